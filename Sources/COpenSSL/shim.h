/* OpenSSL, with one-line wrappers for the function-like macros and the
 * SSL_OP_BIT constants Swift cannot import. No logic lives here. */
#ifndef TLS_COPENSSL_SHIM_H
#define TLS_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/store.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ocsp.h>
#include <openssl/rand.h>

/* Options and modes */
static inline uint64_t tls_SSL_OP_ALL(void) { return SSL_OP_ALL; }
static inline uint64_t tls_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }
static inline uint64_t tls_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline uint64_t tls_SSL_OP_NO_TICKET(void) { return SSL_OP_NO_TICKET; }
static inline uint64_t tls_SSL_OP_CIPHER_SERVER_PREFERENCE(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }
static inline uint64_t tls_SSL_OP_IGNORE_UNEXPECTED_EOF(void) { return SSL_OP_IGNORE_UNEXPECTED_EOF; }
static inline uint64_t tls_SSL_OP_ENABLE_MIDDLEBOX_COMPAT(void) { return SSL_OP_ENABLE_MIDDLEBOX_COMPAT; }
static inline uint64_t tls_SSL_OP_NO_SSLv3(void) { return SSL_OP_NO_SSLv3; }
static inline uint64_t tls_SSL_OP_NO_TLSv1(void) { return SSL_OP_NO_TLSv1; }
static inline uint64_t tls_SSL_OP_NO_TLSv1_1(void) { return SSL_OP_NO_TLSv1_1; }
static inline uint64_t tls_SSL_OP_NO_TLSv1_2(void) { return SSL_OP_NO_TLSv1_2; }
static inline uint64_t tls_SSL_OP_NO_TLSv1_3(void) { return SSL_OP_NO_TLSv1_3; }
static inline int tls_SSL_CTX_set_min_proto_version(SSL_CTX *c, int v) { return (int)SSL_CTX_set_min_proto_version(c, v); }
static inline int tls_SSL_CTX_set_max_proto_version(SSL_CTX *c, int v) { return (int)SSL_CTX_set_max_proto_version(c, v); }
static inline int tls_SSL_CTX_get_min_proto_version(SSL_CTX *c) { return (int)SSL_CTX_get_min_proto_version(c); }
static inline int tls_SSL_get_min_proto_version(SSL *s) { return (int)SSL_get_min_proto_version(s); }
static inline int tls_SSL_get_max_proto_version(SSL *s) { return (int)SSL_get_max_proto_version(s); }
static inline long tls_SSL_CTX_set_mode(SSL_CTX *c, long m) { return SSL_CTX_set_mode(c, m); }
static inline long tls_SSL_set_mode(SSL *s, long m) { return SSL_set_mode(s, m); }
static inline long tls_SSL_CTX_set_session_cache_mode(SSL_CTX *c, long m) { return SSL_CTX_set_session_cache_mode(c, m); }
static inline long tls_SSL_CTX_get_session_cache_mode(SSL_CTX *c) { return SSL_CTX_get_session_cache_mode(c); }
static inline long tls_SSL_CTX_sess_set_cache_size(SSL_CTX *c, long n) { return SSL_CTX_sess_set_cache_size(c, n); }
static inline long tls_SSL_CTX_set_dh_auto(SSL_CTX *c, int on) { return SSL_CTX_set_dh_auto(c, on); }
static inline long tls_SSL_get_secure_renegotiation_support(SSL *s) { return SSL_get_secure_renegotiation_support(s); }
static inline int tls_SSL_set_tlsext_host_name(SSL *s, const char *n) { return (int)SSL_set_tlsext_host_name(s, n); }
static inline long tls_SSL_CTX_set_tlsext_servername_callback(SSL_CTX *c, int (*cb)(SSL *, int *, void *)) { return SSL_CTX_set_tlsext_servername_callback(c, cb); }
static inline int tls_SSL_get_peer_signature_nid(SSL *s, int *nid) { return (int)SSL_get_peer_signature_nid(s, nid); }
static inline void *tls_SSL_get_app_data(const SSL *s) { return SSL_get_app_data(s); }
static inline int tls_SSL_set_app_data(SSL *s, void *d) { return SSL_set_app_data(s, d); }
static inline long tls_SSL_get_extms_support(SSL *s) { return SSL_get_extms_support(s); }
static inline long tls_SSL_CTX_set_tlsext_status_cb(SSL_CTX *c, int (*cb)(SSL *, void *)) { return SSL_CTX_set_tlsext_status_cb(c, cb); }
static inline long tls_SSL_set_tlsext_status_type(SSL *s, int t) { return SSL_set_tlsext_status_type(s, t); }
static inline long tls_SSL_get_tlsext_status_ocsp_resp(SSL *s, const unsigned char **p) { return SSL_get_tlsext_status_ocsp_resp(s, p); }
static inline long tls_SSL_set_tlsext_status_ocsp_resp(SSL *s, unsigned char *p, long n) { return SSL_set_tlsext_status_ocsp_resp(s, p, n); }
static inline void *tls_OPENSSL_malloc(size_t n) { return OPENSSL_malloc(n); }
static inline int tls_SSL_CTX_add_extra_chain_cert(SSL_CTX *c, X509 *x) { return (int)SSL_CTX_add_extra_chain_cert(c, x); }
static inline int tls_SSL_CTX_add1_chain_cert(SSL_CTX *c, X509 *x) { return (int)SSL_CTX_add1_chain_cert(c, x); }
static inline int tls_SSL_CTX_set1_groups_list(SSL_CTX *c, const char *s) { return (int)SSL_CTX_set1_groups_list(c, s); }
static inline int tls_SSL_get_negotiated_group(SSL *s) { return (int)SSL_get_negotiated_group(s); }
static inline int tls_SSL_get_peer_tmp_key(SSL *s, EVP_PKEY **k) { return (int)SSL_get_peer_tmp_key(s, k); }

/* BIO */
static inline long tls_BIO_get_mem_data(BIO *b, char **p) { return BIO_get_mem_data(b, p); }
static inline void tls_BIO_set_retry_read(BIO *b) { BIO_set_retry_read(b); }
static inline void tls_BIO_set_retry_write(BIO *b) { BIO_set_retry_write(b); }
static inline void tls_BIO_clear_retry_flags(BIO *b) { BIO_clear_retry_flags(b); }

/* Stacks */
static inline int tls_sk_X509_num(const STACK_OF(X509) *s) { return sk_X509_num(s); }
static inline X509 *tls_sk_X509_value(const STACK_OF(X509) *s, int i) { return sk_X509_value(s, i); }
static inline int tls_sk_X509_push(STACK_OF(X509) *s, X509 *x) { return sk_X509_push(s, x); }
static inline void tls_sk_X509_free_all(STACK_OF(X509) *s) { sk_X509_pop_free(s, X509_free); }
static inline int tls_sk_X509_NAME_num(const STACK_OF(X509_NAME) *s) { return sk_X509_NAME_num(s); }
static inline X509_NAME *tls_sk_X509_NAME_value(const STACK_OF(X509_NAME) *s, int i) { return sk_X509_NAME_value(s, i); }
static inline int tls_sk_SSL_CIPHER_num(const STACK_OF(SSL_CIPHER) *s) { return sk_SSL_CIPHER_num(s); }
static inline const SSL_CIPHER *tls_sk_SSL_CIPHER_value(const STACK_OF(SSL_CIPHER) *s, int i) { return sk_SSL_CIPHER_value(s, i); }
static inline int tls_sk_GENERAL_NAME_num(const GENERAL_NAMES *s) { return sk_GENERAL_NAME_num(s); }
static inline GENERAL_NAME *tls_sk_GENERAL_NAME_value(const GENERAL_NAMES *s, int i) { return sk_GENERAL_NAME_value(s, i); }
static inline void tls_GENERAL_NAMES_free(GENERAL_NAMES *s) { GENERAL_NAMES_free(s); }
static inline int tls_sk_OPENSSL_STRING_num(const STACK_OF(OPENSSL_STRING) *s) { return sk_OPENSSL_STRING_num(s); }
static inline char *tls_sk_OPENSSL_STRING_value(const STACK_OF(OPENSSL_STRING) *s, int i) { return sk_OPENSSL_STRING_value(s, i); }
static inline int tls_sk_X509_OBJECT_num(const STACK_OF(X509_OBJECT) *s) { return sk_X509_OBJECT_num(s); }
static inline void tls_OPENSSL_free(void *p) { OPENSSL_free(p); }
static inline int tls_sk_ASN1_OBJECT_num(const STACK_OF(ASN1_OBJECT) *s) { return sk_ASN1_OBJECT_num(s); }
static inline ASN1_OBJECT *tls_sk_ASN1_OBJECT_value(const STACK_OF(ASN1_OBJECT) *s, int i) { return sk_ASN1_OBJECT_value(s, i); }
static inline void tls_EXTENDED_KEY_USAGE_free(void *s) { EXTENDED_KEY_USAGE_free((EXTENDED_KEY_USAGE *)s); }
static inline int tls_sk_DIST_POINT_num(const CRL_DIST_POINTS *s) { return sk_DIST_POINT_num(s); }
static inline DIST_POINT *tls_sk_DIST_POINT_value(const CRL_DIST_POINTS *s, int i) { return sk_DIST_POINT_value(s, i); }
static inline void tls_CRL_DIST_POINTS_free(void *s) { CRL_DIST_POINTS_free((CRL_DIST_POINTS *)s); }
static inline int tls_sk_ACCESS_DESCRIPTION_num(const AUTHORITY_INFO_ACCESS *s) { return sk_ACCESS_DESCRIPTION_num(s); }
static inline ACCESS_DESCRIPTION *tls_sk_ACCESS_DESCRIPTION_value(const AUTHORITY_INFO_ACCESS *s, int i) { return sk_ACCESS_DESCRIPTION_value(s, i); }
static inline void tls_AUTHORITY_INFO_ACCESS_free(void *s) { AUTHORITY_INFO_ACCESS_free((AUTHORITY_INFO_ACCESS *)s); }
static inline int tls_sk_X509_INFO_num(const STACK_OF(X509_INFO) *s) { return sk_X509_INFO_num(s); }
static inline X509_INFO *tls_sk_X509_INFO_value(const STACK_OF(X509_INFO) *s, int i) { return sk_X509_INFO_value(s, i); }
static inline void tls_sk_X509_INFO_pop_free(STACK_OF(X509_INFO) *s) { sk_X509_INFO_pop_free(s, X509_INFO_free); }

/* Keys */
static inline int tls_EVP_PKEY_KEYPAIR(void) { return EVP_PKEY_KEYPAIR; }

/* What this OpenSSL build was configured with. */
#ifdef OPENSSL_NO_SSL3
static inline int tls_built_with_ssl3(void) { return 0; }
#else
static inline int tls_built_with_ssl3(void) { return 1; }
#endif
#ifdef OPENSSL_NO_TLS1
static inline int tls_built_with_tls1(void) { return 0; }
#else
static inline int tls_built_with_tls1(void) { return 1; }
#endif
#ifdef OPENSSL_NO_TLS1_1
static inline int tls_built_with_tls1_1(void) { return 0; }
#else
static inline int tls_built_with_tls1_1(void) { return 1; }
#endif
#ifdef OPENSSL_NO_SSL_TRACE
static inline int tls_built_with_trace(void) { return 0; }
#else
static inline int tls_built_with_trace(void) { return 1; }
#endif
/* Introspection (StatusKeys, CertificateInfo, SessionInfo) */
static inline int tls_SSL_get_signature_nid(SSL *s, int *nid) { return (int)SSL_get_signature_nid(s, nid); }
static inline unsigned long tls_XN_FLAG_RFC2253(void) { return XN_FLAG_RFC2253; }
#endif
