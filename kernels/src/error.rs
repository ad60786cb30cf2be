//! The one error-code enum of the kernel contract (`kernels/ABI.md`). Every export returns an
//! `i32`: `>= 0` is success, a negative value is one of these.
use core::fmt;

/// Largest m, n, neuron count and mesh node count a kernel accepts.
pub const MAX_DIM: usize = 8192;
/// Largest batch of the batched dense layer.
pub const MAX_BATCH: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum KernelError {
    BadHandle = -1,
    LengthMismatch = -2,
    ZeroSize = -3,
    TooLarge = -4,
    OutOfMemory = -5,
    BadArgument = -6,
    Aliasing = -7,
    NonFinite = -8,
}

impl KernelError {
    pub const ALL: [KernelError; 8] = [
        KernelError::BadHandle,
        KernelError::LengthMismatch,
        KernelError::ZeroSize,
        KernelError::TooLarge,
        KernelError::OutOfMemory,
        KernelError::BadArgument,
        KernelError::Aliasing,
        KernelError::NonFinite,
    ];

    pub fn code(self) -> i32 {
        self as i32
    }

    pub fn from_code(code: i32) -> Option<KernelError> {
        KernelError::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            KernelError::BadHandle => "BadHandle",
            KernelError::LengthMismatch => "LengthMismatch",
            KernelError::ZeroSize => "ZeroSize",
            KernelError::TooLarge => "TooLarge",
            KernelError::OutOfMemory => "OutOfMemory",
            KernelError::BadArgument => "BadArgument",
            KernelError::Aliasing => "Aliasing",
            KernelError::NonFinite => "NonFinite",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            KernelError::BadHandle => "a buffer handle is unknown, freed, misaligned or too short",
            KernelError::LengthMismatch => "a buffer length does not match the sizes given",
            KernelError::ZeroSize => "a size that must be positive is zero",
            KernelError::TooLarge => "a size exceeds the kernel's limit (4096)",
            KernelError::OutOfMemory => "the kernel module could not allocate memory",
            KernelError::BadArgument => {
                "an argument is invalid (unknown activation, NaN parameter, index out of range)"
            }
            KernelError::Aliasing => "an output buffer overlaps an input buffer",
            KernelError::NonFinite => "the state became NaN or infinite",
        }
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.name(), self.code(), self.message())
    }
}

impl std::error::Error for KernelError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_distinct() {
        for e in KernelError::ALL {
            assert_eq!(KernelError::from_code(e.code()), Some(e));
            assert!(e.code() < 0);
        }
        assert_eq!(KernelError::from_code(0), None);
        assert_eq!(KernelError::from_code(-9), None);
    }
}
