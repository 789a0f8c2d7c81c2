/*
 * Batch SHA-256 for the audit log's Merkle tree (RFC 9162 leaf and node hashes).
 *
 * Why native: on Node.js 20 every createHash() call pays ~2 us of OpenSSL 3 set-up, which is
 * ten times the cost of hashing a 65-byte node. Hashing a whole batch in one call, with one
 * reused digest context, is what lets the log keep up with the database. The digest itself is
 * Node's own OpenSSL (EVP, SHA-256); nothing cryptographic is implemented here.
 * src/domain/audit/hasher.ts falls back to node:crypto when this addon is not built, and the
 * tests check that both give identical hashes.
 */
#include <node_api.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static EVP_MD *sha256;
static EVP_MD_CTX *ctx;
static unsigned char *scratch;
static size_t scratch_len;

static napi_value fail(napi_env env, const char *msg) {
  napi_throw_error(env, "AUDIT_HASH", msg);
  return NULL;
}

static int digest2(const unsigned char *prefix, const unsigned char *data, size_t len,
                   unsigned char *out) {
  return EVP_DigestInit_ex(ctx, sha256, NULL) && EVP_DigestUpdate(ctx, prefix, 1) &&
         EVP_DigestUpdate(ctx, data, len) && EVP_DigestFinal_ex(ctx, out, NULL);
}

/* hashLeaves(entries: string[], out: Buffer): out[32*i..] = SHA-256(0x00 || utf8(entries[i])) */
static napi_value hash_leaves(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t count;
  unsigned char *out;
  size_t out_len;
  static const unsigned char leaf_prefix = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return fail(env, "hashLeaves(entries, out)");
  if (napi_get_array_length(env, argv[0], &count) != napi_ok) return fail(env, "entries must be an array");
  if (napi_get_buffer_info(env, argv[1], (void **)&out, &out_len) != napi_ok) return fail(env, "out must be a Buffer");
  if (out_len < (size_t)count * 32) return fail(env, "out is too small");
  for (uint32_t i = 0; i < count; i++) {
    napi_value s;
    size_t len;
    if (napi_get_element(env, argv[0], i, &s) != napi_ok) return fail(env, "bad element");
    if (napi_get_value_string_utf8(env, s, NULL, 0, &len) != napi_ok) return fail(env, "entries must be strings");
    if (len + 1 > scratch_len) {
      free(scratch);
      scratch_len = (len + 1) * 2;
      scratch = malloc(scratch_len);
      if (!scratch) { scratch_len = 0; return fail(env, "out of memory"); }
    }
    napi_get_value_string_utf8(env, s, (char *)scratch, scratch_len, &len);
    if (!digest2(&leaf_prefix, scratch, len, out + 32 * (size_t)i)) return fail(env, "digest failed");
  }
  return NULL;
}

/* reduceLevel(input: Buffer, out: Buffer): out[32*i..] = SHA-256(0x01 || input[64*i .. 64*i+64]) */
static napi_value reduce_level(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  unsigned char *in, *out;
  size_t in_len, out_len;
  static const unsigned char node_prefix = 1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return fail(env, "reduceLevel(input, out)");
  if (napi_get_buffer_info(env, argv[0], (void **)&in, &in_len) != napi_ok) return fail(env, "input must be a Buffer");
  if (napi_get_buffer_info(env, argv[1], (void **)&out, &out_len) != napi_ok) return fail(env, "out must be a Buffer");
  size_t pairs = in_len / 64;
  if (out_len < pairs * 32) return fail(env, "out is too small");
  for (size_t i = 0; i < pairs; i++) {
    if (!digest2(&node_prefix, in + 64 * i, 64, out + 32 * i)) return fail(env, "digest failed");
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
  ctx = EVP_MD_CTX_new();
  if (!sha256 || !ctx) return fail(env, "SHA-256 is not available");
  napi_create_function(env, "hashLeaves", NAPI_AUTO_LENGTH, hash_leaves, NULL, &fn);
  napi_set_named_property(env, exports, "hashLeaves", fn);
  napi_create_function(env, "reduceLevel", NAPI_AUTO_LENGTH, reduce_level, NULL, &fn);
  napi_set_named_property(env, exports, "reduceLevel", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
