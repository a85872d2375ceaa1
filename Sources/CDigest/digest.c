// The declaration in CDigest.h is defined by swift-crypto's CCryptoBoringSSL.
