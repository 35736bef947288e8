//! Behaviour tests every store backend must pass.
