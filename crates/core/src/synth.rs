//! Seeded synthetic results.
