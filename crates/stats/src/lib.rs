//! Statistics for comparing LLM-serving deployments.
pub mod dependence;
pub mod order_ci;
pub mod quantile;
pub mod rng;
pub mod special;
