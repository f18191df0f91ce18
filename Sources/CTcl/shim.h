/* Tcl, seen through its stubs table. One-line wrappers for the macros Swift
 * cannot import; no logic lives here. The same file serves Tcl 8.6 and 9.0:
 * which one is decided by the tcl.h found first on the include path. */
#ifndef TLS_CTCL_SHIM_H
#define TLS_CTCL_SHIM_H
#define USE_TCL_STUBS 1
/* Only what Tcl 9 still has: in Tcl 8.6 this also makes Tcl_Interp opaque,
 * as it is in Tcl 9 (Swift sees an OpaquePointer under both). */
#define TCL_NO_DEPRECATED 1
#include <tcl.h>

/* Lengths and counts: int in Tcl 8.6, ptrdiff_t in Tcl 9. Swift writes
 * Tcl_Size(n) for both (newer 8.6 headers have it as a macro only). */
#if TCL_MAJOR_VERSION < 9
#  undef Tcl_Size
typedef int Tcl_Size;
#endif

static inline void tls_Tcl_IncrRefCount(Tcl_Obj *o) { Tcl_IncrRefCount(o); }
static inline void tls_Tcl_DecrRefCount(Tcl_Obj *o) { Tcl_DecrRefCount(o); }
static inline int tls_Tcl_IsShared(Tcl_Obj *o) { return Tcl_IsShared(o); }
/* The macro adds the major version this library was compiled for; Tcl refuses a mismatch. */
static inline const char *tls_Tcl_InitStubs(Tcl_Interp *i, const char *v, int exact) { return Tcl_InitStubs(i, v, exact); }
/* TCL_CLOSE2PROC: the pointer value 1 in Tcl 8.6 (Swift cannot form it as a function pointer), NULL in Tcl 9. */
static inline void tls_Tcl_SetClose2Marker(Tcl_ChannelType *t) { t->closeProc = TCL_CLOSE2PROC; }
static inline Tcl_ChannelTypeVersion tls_Tcl_ChannelVersion5(void) { return TCL_CHANNEL_VERSION_5; }
/* Tcl_Close is a macro for Tcl_CloseEx in Tcl 9 (its own stub slot is empty there). */
static inline int tls_Tcl_Close(Tcl_Interp *i, Tcl_Channel c) { return Tcl_Close(i, c); }
/* The bytes of a value. Tcl 8.6 takes the low byte of each character; Tcl 9
 * refuses a character beyond U+00FF (NULL, and the reason in interp). */
#if TCL_MAJOR_VERSION < 9
static inline unsigned char *tls_Tcl_GetBytesFromObj(Tcl_Interp *i, Tcl_Obj *o, Tcl_Size *n) { (void)i; return Tcl_GetByteArrayFromObj(o, n); }
#else
static inline unsigned char *tls_Tcl_GetBytesFromObj(Tcl_Interp *i, Tcl_Obj *o, Tcl_Size *n) { return Tcl_GetBytesFromObj(i, o, n); }
#endif
#endif
