/*
 * Batch cryptography through Node's own OpenSSL (EVP): SHA-256 for the audit log's Merkle tree
 * (RFC 9162 leaf and node hashes), HMAC-SHA-256 for the identifier index, AES-256-GCM for
 * record payloads.
 *
 * Why native: on Node.js 20 every createHash()/createHmac()/createCipheriv() call pays ~2-5 us of
 * OpenSSL 3 set-up, many times the cost of the work on a short input. One call per batch, with
 * reused contexts, is what lets the audit log and bulk imports keep up with the database. All
 * primitives are OpenSSL's; nothing cryptographic is implemented here.
 * src/domain/audit/hasher.ts falls back to node:crypto when this addon is not built, and the
 * tests check that both give identical hashes.
 */
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/*
 * Per thread: import and transfer workers load this addon too, and two threads sharing one
 * digest context or scratch buffer would mix each other's inputs (wrong hashes, wrong seals).
 * Each thread's copy is made when the addon loads on it and freed when that thread ends.
 */
static _Thread_local EVP_MD *sha256;
static _Thread_local EVP_MD_CTX *ctx;
static _Thread_local unsigned char *scratch;
static _Thread_local size_t scratch_len;

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

/*
 * hmacBatch(key: Buffer, inputs: string[], out: Buffer, outLen: number):
 *   out[outLen*i..] = first outLen bytes of HMAC-SHA-256(key, utf8(inputs[i])).
 * The keyed inner and outer states are computed once and copied per input (RFC 2104).
 */
static napi_value hmac_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  unsigned char *key, *out;
  size_t key_len, out_len;
  uint32_t count, take;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) return fail(env, "hmacBatch(key, inputs, out, outLen)");
  if (napi_get_buffer_info(env, argv[0], (void **)&key, &key_len) != napi_ok || key_len > 64) return fail(env, "key must be a Buffer of at most 64 bytes");
  if (napi_get_array_length(env, argv[1], &count) != napi_ok) return fail(env, "inputs must be an array");
  if (napi_get_buffer_info(env, argv[2], (void **)&out, &out_len) != napi_ok) return fail(env, "out must be a Buffer");
  if (napi_get_value_uint32(env, argv[3], &take) != napi_ok || take < 1 || take > 32) return fail(env, "outLen must be 1..32");
  if (out_len < (size_t)count * take) return fail(env, "out is too small");
  unsigned char pad[64], inner_hash[32], full[32];
  EVP_MD_CTX *inner = EVP_MD_CTX_new(), *outer = EVP_MD_CTX_new(), *work = EVP_MD_CTX_new();
  if (!inner || !outer || !work) return fail(env, "out of memory");
  memset(pad, 0x36, 64);
  for (size_t i = 0; i < key_len; i++) pad[i] ^= key[i];
  EVP_DigestInit_ex(inner, sha256, NULL);
  EVP_DigestUpdate(inner, pad, 64);
  memset(pad, 0x5c, 64);
  for (size_t i = 0; i < key_len; i++) pad[i] ^= key[i];
  EVP_DigestInit_ex(outer, sha256, NULL);
  EVP_DigestUpdate(outer, pad, 64);
  napi_value result = NULL;
  for (uint32_t i = 0; i < count; i++) {
    napi_value s;
    size_t len;
    if (napi_get_element(env, argv[1], i, &s) != napi_ok || napi_get_value_string_utf8(env, s, NULL, 0, &len) != napi_ok) { result = fail(env, "inputs must be strings"); break; }
    if (len + 1 > scratch_len) {
      free(scratch);
      scratch_len = (len + 1) * 2;
      scratch = malloc(scratch_len);
      if (!scratch) { scratch_len = 0; result = fail(env, "out of memory"); break; }
    }
    napi_get_value_string_utf8(env, s, (char *)scratch, scratch_len, &len);
    if (!EVP_MD_CTX_copy_ex(work, inner) || !EVP_DigestUpdate(work, scratch, len) || !EVP_DigestFinal_ex(work, inner_hash, NULL) ||
        !EVP_MD_CTX_copy_ex(work, outer) || !EVP_DigestUpdate(work, inner_hash, 32) || !EVP_DigestFinal_ex(work, full, NULL)) {
      result = fail(env, "hmac failed");
      break;
    }
    memcpy(out + (size_t)take * i, full, take);
  }
  EVP_MD_CTX_free(inner);
  EVP_MD_CTX_free(outer);
  EVP_MD_CTX_free(work);
  return result;
}

/*
 * gcmSealBatch(key: Buffer(32), ivs: Buffer(12*n), aads: string[], plaintexts: string[]): Buffer[]
 *   each result = ciphertext || 16-byte tag, AES-256-GCM with that IV and AAD.
 */
static napi_value gcm_seal_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  unsigned char *key, *ivs;
  size_t key_len, ivs_len;
  uint32_t count, aad_count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) return fail(env, "gcmSealBatch(key, ivs, aads, plaintexts)");
  if (napi_get_buffer_info(env, argv[0], (void **)&key, &key_len) != napi_ok || key_len != 32) return fail(env, "key must be 32 bytes");
  if (napi_get_buffer_info(env, argv[1], (void **)&ivs, &ivs_len) != napi_ok) return fail(env, "ivs must be a Buffer");
  if (napi_get_array_length(env, argv[2], &aad_count) != napi_ok || napi_get_array_length(env, argv[3], &count) != napi_ok || aad_count != count) return fail(env, "aads and plaintexts must be arrays of one length");
  if (ivs_len < (size_t)count * 12) return fail(env, "ivs is too small");
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  if (!c || !EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, NULL)) return fail(env, "cipher set-up failed");
  napi_value results;
  napi_create_array_with_length(env, count, &results);
  for (uint32_t i = 0; i < count; i++) {
    napi_value s;
    size_t aad_len, pt_len;
    int n, fin;
    if (napi_get_element(env, argv[2], i, &s) != napi_ok || napi_get_value_string_utf8(env, s, NULL, 0, &aad_len) != napi_ok) { EVP_CIPHER_CTX_free(c); return fail(env, "aads must be strings"); }
    napi_value p;
    if (napi_get_element(env, argv[3], i, &p) != napi_ok || napi_get_value_string_utf8(env, p, NULL, 0, &pt_len) != napi_ok) { EVP_CIPHER_CTX_free(c); return fail(env, "plaintexts must be strings"); }
    size_t need = aad_len + 1 + pt_len + 1;
    if (need > scratch_len) {
      free(scratch);
      scratch_len = need * 2;
      scratch = malloc(scratch_len);
      if (!scratch) { scratch_len = 0; EVP_CIPHER_CTX_free(c); return fail(env, "out of memory"); }
    }
    unsigned char *aad = scratch, *pt = scratch + aad_len + 1;
    napi_get_value_string_utf8(env, s, (char *)aad, aad_len + 1, &aad_len);
    napi_get_value_string_utf8(env, p, (char *)pt, pt_len + 1, &pt_len);
    void *outp;
    napi_value buf;
    if (napi_create_buffer(env, pt_len + 16, &outp, &buf) != napi_ok) { EVP_CIPHER_CTX_free(c); return fail(env, "out of memory"); }
    unsigned char *o = outp;
    if (!EVP_EncryptInit_ex(c, NULL, NULL, NULL, ivs + 12 * (size_t)i) || !EVP_EncryptUpdate(c, NULL, &n, aad, (int)aad_len) ||
        !EVP_EncryptUpdate(c, o, &n, pt, (int)pt_len) || !EVP_EncryptFinal_ex(c, o + n, &fin) ||
        !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, o + pt_len)) {
      EVP_CIPHER_CTX_free(c);
      return fail(env, "encryption failed");
    }
    napi_set_element(env, results, i, buf);
  }
  EVP_CIPHER_CTX_free(c);
  OPENSSL_cleanse(scratch, scratch_len);
  return results;
}

/*
 * gcmSealPacked(key: Buffer(32), ivs: Buffer(12*n), aads: string[], plaintexts: string[],
 *               header: Buffer, ends: Uint32Array(n)): Buffer
 *   every sealed payload end to end, each header || iv || ciphertext || 16-byte tag, with
 *   ends[i] the offset just past payload i. One allocation for the batch: a bulk write seals
 *   thousands of small payloads, and a buffer each (then a copy to join them) cost more than
 *   the encryption.
 */
static napi_value gcm_seal_packed(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  unsigned char *key, *ivs, *header;
  size_t key_len, ivs_len, header_len, ends_len;
  uint32_t count, aad_count;
  napi_typedarray_type ends_type;
  void *ends_data;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6) return fail(env, "gcmSealPacked(key, ivs, aads, plaintexts, header, ends)");
  if (napi_get_buffer_info(env, argv[0], (void **)&key, &key_len) != napi_ok || key_len != 32) return fail(env, "key must be 32 bytes");
  if (napi_get_buffer_info(env, argv[1], (void **)&ivs, &ivs_len) != napi_ok) return fail(env, "ivs must be a Buffer");
  if (napi_get_array_length(env, argv[2], &aad_count) != napi_ok || napi_get_array_length(env, argv[3], &count) != napi_ok || aad_count != count) return fail(env, "aads and plaintexts must be arrays of one length");
  if (ivs_len < (size_t)count * 12) return fail(env, "ivs is too small");
  if (napi_get_buffer_info(env, argv[4], (void **)&header, &header_len) != napi_ok) return fail(env, "header must be a Buffer");
  if (napi_get_typedarray_info(env, argv[5], &ends_type, &ends_len, &ends_data, NULL, NULL) != napi_ok || ends_type != napi_uint32_array || ends_len < count) return fail(env, "ends must be a Uint32Array of the batch's length");
  uint32_t *ends = ends_data;
  /* First pass: each plaintext's UTF-8 length, so the whole batch is one buffer. */
  size_t total = 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value p;
    size_t pt_len;
    if (napi_get_element(env, argv[3], i, &p) != napi_ok || napi_get_value_string_utf8(env, p, NULL, 0, &pt_len) != napi_ok) return fail(env, "plaintexts must be strings");
    total += header_len + 12 + pt_len + 16;
    if (total > 0xffffffffu) return fail(env, "batch too large");
    ends[i] = (uint32_t)total;
  }
  void *outp;
  napi_value out;
  if (napi_create_buffer(env, total, &outp, &out) != napi_ok) return fail(env, "out of memory");
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  if (!c || !EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, NULL)) { EVP_CIPHER_CTX_free(c); return fail(env, "cipher set-up failed"); }
  size_t at = 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value s, p;
    size_t aad_len, pt_len;
    int n, fin;
    if (napi_get_element(env, argv[2], i, &s) != napi_ok || napi_get_value_string_utf8(env, s, NULL, 0, &aad_len) != napi_ok) { EVP_CIPHER_CTX_free(c); return fail(env, "aads must be strings"); }
    if (napi_get_element(env, argv[3], i, &p) != napi_ok) { EVP_CIPHER_CTX_free(c); return fail(env, "plaintexts must be strings"); }
    size_t room = ends[i] - at - header_len - 12 - 16;
    size_t need = aad_len + 1 + room + 1;
    if (need > scratch_len) {
      free(scratch);
      scratch_len = need * 2;
      scratch = malloc(scratch_len);
      if (!scratch) { scratch_len = 0; EVP_CIPHER_CTX_free(c); return fail(env, "out of memory"); }
    }
    unsigned char *aad = scratch, *pt = scratch + aad_len + 1;
    /* The same strings were measured above: a length that changed means the arrays changed. */
    if (napi_get_value_string_utf8(env, s, (char *)aad, aad_len + 1, &aad_len) != napi_ok ||
        napi_get_value_string_utf8(env, p, (char *)pt, room + 1, &pt_len) != napi_ok || pt_len != room) {
      EVP_CIPHER_CTX_free(c);
      OPENSSL_cleanse(scratch, scratch_len);
      return fail(env, "plaintexts changed while sealing");
    }
    unsigned char *o = (unsigned char *)outp + at;
    memcpy(o, header, header_len);
    memcpy(o + header_len, ivs + 12 * (size_t)i, 12);
    unsigned char *body = o + header_len + 12;
    if (!EVP_EncryptInit_ex(c, NULL, NULL, NULL, ivs + 12 * (size_t)i) || !EVP_EncryptUpdate(c, NULL, &n, aad, (int)aad_len) ||
        !EVP_EncryptUpdate(c, body, &n, pt, (int)pt_len) || !EVP_EncryptFinal_ex(c, body + n, &fin) ||
        !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, body + pt_len)) {
      EVP_CIPHER_CTX_free(c);
      return fail(env, "encryption failed");
    }
    at = ends[i];
  }
  EVP_CIPHER_CTX_free(c);
  /* The scratch held personal data in the clear: nothing of it outlives the call. */
  OPENSSL_cleanse(scratch, scratch_len);
  return out;
}

/*
 * sha256Batch(inputs: string[], out: Buffer): out[32*i..] = SHA-256(utf8(inputs[i])).
 */
static napi_value sha256_batch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t count;
  unsigned char *out;
  size_t out_len;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return fail(env, "sha256Batch(inputs, out)");
  if (napi_get_array_length(env, argv[0], &count) != napi_ok) return fail(env, "inputs must be an array");
  if (napi_get_buffer_info(env, argv[1], (void **)&out, &out_len) != napi_ok) return fail(env, "out must be a Buffer");
  if (out_len < (size_t)count * 32) return fail(env, "out is too small");
  for (uint32_t i = 0; i < count; i++) {
    napi_value s;
    size_t len;
    if (napi_get_element(env, argv[0], i, &s) != napi_ok || napi_get_value_string_utf8(env, s, NULL, 0, &len) != napi_ok) return fail(env, "inputs must be strings");
    if (len + 1 > scratch_len) {
      free(scratch);
      scratch_len = (len + 1) * 2;
      scratch = malloc(scratch_len);
      if (!scratch) { scratch_len = 0; return fail(env, "out of memory"); }
    }
    napi_get_value_string_utf8(env, s, (char *)scratch, scratch_len, &len);
    if (!EVP_DigestInit_ex(ctx, sha256, NULL) || !EVP_DigestUpdate(ctx, scratch, len) || !EVP_DigestFinal_ex(ctx, out + 32 * (size_t)i, NULL)) return fail(env, "digest failed");
  }
  return NULL;
}

/*
 * gcmOpenBatch(key: Buffer(32), sealed: Buffer[], skip: number, aads: string[]): string[]
 *   each sealed[i] = skip header bytes || 12-byte IV || ciphertext || 16-byte tag; returns the
 *   plaintexts as UTF-8 strings. Throws if any one fails to authenticate (nothing is returned).
 */
static napi_value gcm_open_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  unsigned char *key;
  size_t key_len;
  uint32_t count, aad_count, skip;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) return fail(env, "gcmOpenBatch(key, sealed, skip, aads)");
  if (napi_get_buffer_info(env, argv[0], (void **)&key, &key_len) != napi_ok || key_len != 32) return fail(env, "key must be 32 bytes");
  if (napi_get_array_length(env, argv[1], &count) != napi_ok || napi_get_array_length(env, argv[3], &aad_count) != napi_ok || aad_count != count) return fail(env, "sealed and aads must be arrays of one length");
  if (napi_get_value_uint32(env, argv[2], &skip) != napi_ok) return fail(env, "skip must be a number");
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  if (!c || !EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, NULL)) { EVP_CIPHER_CTX_free(c); return fail(env, "cipher set-up failed"); }
  napi_value results;
  napi_create_array_with_length(env, count, &results);
  for (uint32_t i = 0; i < count; i++) {
    napi_value b, s, text;
    unsigned char *in;
    size_t in_len, aad_len;
    int n, fin;
    if (napi_get_element(env, argv[1], i, &b) != napi_ok || napi_get_buffer_info(env, b, (void **)&in, &in_len) != napi_ok) { EVP_CIPHER_CTX_free(c); return fail(env, "sealed must be Buffers"); }
    if (in_len < (size_t)skip + 28) { EVP_CIPHER_CTX_free(c); return fail(env, "a sealed payload is too short"); }
    if (napi_get_element(env, argv[3], i, &s) != napi_ok || napi_get_value_string_utf8(env, s, NULL, 0, &aad_len) != napi_ok) { EVP_CIPHER_CTX_free(c); return fail(env, "aads must be strings"); }
    size_t ct_len = in_len - skip - 28;
    size_t need = aad_len + 1 + ct_len + 1;
    if (need > scratch_len) {
      free(scratch);
      scratch_len = need * 2;
      scratch = malloc(scratch_len);
      if (!scratch) { scratch_len = 0; EVP_CIPHER_CTX_free(c); return fail(env, "out of memory"); }
    }
    unsigned char *aad = scratch, *pt = scratch + aad_len + 1;
    napi_get_value_string_utf8(env, s, (char *)aad, aad_len + 1, &aad_len);
    const unsigned char *iv = in + skip, *ct = in + skip + 12, *tag = in + in_len - 16;
    if (!EVP_DecryptInit_ex(c, NULL, NULL, NULL, iv) || !EVP_DecryptUpdate(c, NULL, &n, aad, (int)aad_len) ||
        !EVP_DecryptUpdate(c, pt, &n, ct, (int)ct_len) ||
        !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) || EVP_DecryptFinal_ex(c, pt + n, &fin) <= 0) {
      EVP_CIPHER_CTX_free(c);
      return fail(env, "a sealed payload does not open");
    }
    if (napi_create_string_utf8(env, (const char *)pt, ct_len, &text) != napi_ok) { EVP_CIPHER_CTX_free(c); return fail(env, "out of memory"); }
    napi_set_element(env, results, i, text);
  }
  EVP_CIPHER_CTX_free(c);
  return results;
}

/* When a thread that loaded the addon ends (a worker), its own state goes with it. */
static void cleanup(void *arg) {
  (void)arg;
  EVP_MD_CTX_free(ctx);
  EVP_MD_free(sha256);
  free(scratch);
  ctx = NULL;
  sha256 = NULL;
  scratch = NULL;
  scratch_len = 0;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
  ctx = EVP_MD_CTX_new();
  if (!sha256 || !ctx) return fail(env, "SHA-256 is not available");
  napi_add_env_cleanup_hook(env, cleanup, NULL);
  napi_create_function(env, "sha256Batch", NAPI_AUTO_LENGTH, sha256_batch, NULL, &fn);
  napi_set_named_property(env, exports, "sha256Batch", fn);
  napi_create_function(env, "gcmOpenBatch", NAPI_AUTO_LENGTH, gcm_open_batch, NULL, &fn);
  napi_set_named_property(env, exports, "gcmOpenBatch", fn);
  napi_create_function(env, "hashLeaves", NAPI_AUTO_LENGTH, hash_leaves, NULL, &fn);
  napi_set_named_property(env, exports, "hashLeaves", fn);
  napi_create_function(env, "reduceLevel", NAPI_AUTO_LENGTH, reduce_level, NULL, &fn);
  napi_set_named_property(env, exports, "reduceLevel", fn);
  napi_create_function(env, "hmacBatch", NAPI_AUTO_LENGTH, hmac_batch, NULL, &fn);
  napi_set_named_property(env, exports, "hmacBatch", fn);
  napi_create_function(env, "gcmSealBatch", NAPI_AUTO_LENGTH, gcm_seal_batch, NULL, &fn);
  napi_set_named_property(env, exports, "gcmSealBatch", fn);
  napi_create_function(env, "gcmSealPacked", NAPI_AUTO_LENGTH, gcm_seal_packed, NULL, &fn);
  napi_set_named_property(env, exports, "gcmSealPacked", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
