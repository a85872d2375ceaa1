#ifndef SYNCSIM_CDIGEST_H
#define SYNCSIM_CDIGEST_H

#include <stddef.h>
#include <stdint.h>

/// BoringSSL's one-shot SHA-256 (`SHA256` in its `sha2.h`), as swift-crypto builds it on Linux:
/// its C symbols carry the prefix `CCryptoBoringSSL_`, and the `Crypto` product links them.
/// Swift's `SHA256.hash(data:)` reaches the same code through a context allocated, copied and
/// wiped on each call, which for a row of two or three blocks costs as much as the hashing.
/// Writes the 32-byte digest of `data[0..<len]` to `out` and returns `out`.
uint8_t *CCryptoBoringSSL_SHA256(const uint8_t *data, size_t len, uint8_t out[32]);

#endif
