#!/usr/bin/env bash
# Builds llama.cpp once, for this CPU as its users build it (GGML_NATIVE), from the source the
# llama-cpp-python sdist carries, under ~/.cache/hearth-bench (HEARTH_BENCH_DIR). Used to compare
# with (scripts/bench-engine.sh) and to record reference logits (scripts/record-conformance.sh);
# nothing Hearth ships or tests in CI uses it.
#
# Source it: it sets `llama` (the source tree; binaries in $llama/build/bin) and `llama_build`,
# a function taking the cmake targets to build.
llama_version=0.3.36
llama_work="${HEARTH_BENCH_DIR:-$HOME/.cache/hearth-bench}"
llama="$llama_work/llama_cpp_python-$llama_version/vendor/llama.cpp"

llama_build() {
  command -v cmake >/dev/null || { echo "llama.cpp: cmake is needed (apt-get install cmake)"; return 1; }
  mkdir -p "$llama_work"
  [ -d "$llama" ] || {
    python3 -m pip download --no-deps --no-binary :all: "llama-cpp-python==$llama_version" -d "$llama_work"
    tar -xzf "$llama_work/llama_cpp_python-$llama_version.tar.gz" -C "$llama_work"
  }
  # No AMX: where the CPU lists it but the virtual machine does not grant its tile state (seen
  # on a shared Xeon), llama.cpp's AMX matmul dies on its first `ldtilecfg`.
  local no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  [ -f "$llama/build/CMakeCache.txt" ] ||
    cmake -S "$llama" -B "$llama/build" -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
      -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DCMAKE_BUILD_TYPE=Release \
      -DBUILD_SHARED_LIBS=OFF -DCMAKE_C_FLAGS="$no_amx" -DCMAKE_CXX_FLAGS="$no_amx" >/dev/null
  cmake --build "$llama/build" -j"$(nproc)" --target "$@" >/dev/null
}
