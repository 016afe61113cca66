#!/bin/sh
# Makes sure bindgen (run by RocksDB's build script) will find libclang, before anything compiles.
#
# A fresh Debian image ships libclang-cpp (libclang-cpp.so.14), which is NOT what bindgen loads:
# clang-sys looks for libclang.so, libclang-N.so, libclang.so.N or libclang-N.so.M in the
# directories below (or in $LIBCLANG_PATH), and rejects libclang-cpp. This script looks the way
# clang-sys looks, installs libclang-dev when it is missing and we are root, looks again, and
# otherwise stops with the exact command to run.
#
# Usage: .ci/libclang.sh [--check]   (--check: only report, never install)
# LIBCLANG_ROOT=DIR makes every searched directory relative to DIR (for the tests).
set -u
root="${LIBCLANG_ROOT:-}"

# Prints the first libclang that clang-sys would accept by name, or nothing.
find_libclang() {
    if [ -n "${LIBCLANG_PATH:-}" ]; then
        dirs="$root$LIBCLANG_PATH"
    else
        prefix=$("${LLVM_CONFIG:-llvm-config}" --prefix 2>/dev/null || true)
        dirs="${prefix:+$root$prefix/lib $root$prefix/lib64}"
        dirs="$dirs $(echo "${LD_LIBRARY_PATH:-}" | tr ':' ' ')"
        for pattern in /usr/local/llvm*/lib* /usr/local/lib*/*/* /usr/local/lib*/* /usr/local/lib* \
            /usr/lib*/*/* /usr/lib*/* /usr/lib*; do
            for dir in $root$pattern; do
                [ -d "$dir" ] && dirs="$dirs $dir"
            done
        done
    fi
    for dir in $dirs; do
        # libclang-[0-9]* and not libclang-*: libclang-cpp.so.N is the C++ library, not libclang.
        for file in "$dir"/libclang.so "$dir"/libclang.so.[0-9]* "$dir"/libclang-[0-9]*.so \
            "$dir"/libclang-[0-9]*.so.[0-9]*; do
            if [ -e "$file" ]; then
                echo "$file"
                return 0
            fi
        done
    done
    return 1
}

if found=$(find_libclang); then
    [ "${1:-}" = --check ] && echo "libclang: $found"
    exit 0
fi
command="apt-get install -y libclang-dev"
if [ "${1:-}" = --check ]; then
    echo "libclang is missing (needed to build RocksDB): run 'sudo $command'" >&2
    exit 1
fi
if [ "$(id -u)" = 0 ] && [ -z "$root" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing libclang-dev (needed to build RocksDB)" >&2
    { apt-get install -y -qq libclang-dev || { apt-get update -qq && apt-get install -y -qq libclang-dev; }; } >/dev/null
    if found=$(find_libclang); then
        echo "libclang: $found" >&2
        exit 0
    fi
    echo "libclang is still missing after '$command' (needed to build RocksDB): install libclang for your system, or set LIBCLANG_PATH to the directory that holds libclang.so" >&2
    exit 1
fi
echo "libclang is missing (needed to build RocksDB): run 'sudo $command' (or set LIBCLANG_PATH to the directory that holds libclang.so)" >&2
exit 1
