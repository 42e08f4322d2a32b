//! Chart drawing, written once over plotters' `DrawingBackend`.
