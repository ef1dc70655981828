//! Which instruction set the kernels use, chosen at run time so that one binary runs on
//! every x86-64 CPU and uses what it has.

use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Plain Rust: any CPU.
    Scalar,
    /// AVX2 with FMA and F16C (Intel Haswell, AMD Zen, and later).
    Avx2,
    /// AVX-512 VNNI dot products on 256-bit registers (Intel Ice Lake, AMD Zen 4, and later).
    Avx512Vnni,
    /// The same with prompts' matmuls on 512-bit registers, sixteen weight rows at once: the
    /// best tier where the CPU runs 512-bit work at full width (Intel's), not where it splits
    /// it in two (AMD's Zen 4), though any CPU of the tier above runs it.
    Avx512Wide,
}

impl Tier {
    /// Every tier this CPU can run, slowest first.
    pub fn available() -> Vec<Tier> {
        let mut tiers = vec![Tier::Scalar];
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("fma")
                && is_x86_feature_detected!("f16c")
            {
                tiers.push(Tier::Avx2);
                if is_x86_feature_detected!("avx512f")
                    && is_x86_feature_detected!("avx512bw")
                    && is_x86_feature_detected!("avx512vl")
                    && is_x86_feature_detected!("avx512vnni")
                {
                    tiers.push(Tier::Avx512Vnni);
                    tiers.push(Tier::Avx512Wide);
                }
            }
        }
        tiers
    }

    /// The fastest tier here, or the one `HEARTH_KERNEL_TIER` (scalar, avx2, avx512vnni,
    /// avx512wide) names if this CPU has it: for comparing tiers in a benchmark.
    pub fn best() -> Tier {
        static BEST: OnceLock<Tier> = OnceLock::new();
        *BEST.get_or_init(|| {
            let available = Tier::available();
            let wanted = std::env::var("HEARTH_KERNEL_TIER").ok().and_then(|name| {
                available
                    .iter()
                    .copied()
                    .find(|t| t.name().eq_ignore_ascii_case(name.trim()))
            });
            let fastest = available
                .iter()
                .copied()
                .filter(|t| *t != Tier::Avx512Wide || full_width())
                .max()
                .unwrap_or(Tier::Scalar);
            wanted.unwrap_or(fastest)
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Tier::Scalar => "scalar",
            Tier::Avx2 => "avx2",
            Tier::Avx512Vnni => "avx512vnni",
            Tier::Avx512Wide => "avx512wide",
        }
    }
}

/// Whether 512-bit registers run at full width: Intel's CPUs run them whole; AMD's Zen 4 splits
/// each 512-bit instruction in two 256-bit halves, so it keeps the 256-bit kernels.
fn full_width() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        let vendor = std::arch::x86_64::__cpuid(0);
        let amd = [vendor.ebx, vendor.edx, vendor.ecx] == [0x6874_7541, 0x6974_6e65, 0x444d_4163];
        !amd
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}
