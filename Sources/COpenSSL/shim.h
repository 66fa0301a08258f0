#ifndef CALLHOOK_COPENSSL_SHIM_H
#define CALLHOOK_COPENSSL_SHIM_H

/* OpenSSL's libcrypto, for HMAC-SHA256 (Standard Webhooks signatures and
   agent tokens). libcurl already links it, so this adds no new library. */
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>

#endif
