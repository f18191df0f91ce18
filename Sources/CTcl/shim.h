/* Tcl, seen through its stubs table. One-line wrappers for the macros Swift
 * cannot import; no logic lives here. */
#ifndef TLS_CTCL_SHIM_H
#define TLS_CTCL_SHIM_H
#define USE_TCL_STUBS 1
#include <tcl.h>

static inline void tls_Tcl_IncrRefCount(Tcl_Obj *o) { Tcl_IncrRefCount(o); }
static inline void tls_Tcl_DecrRefCount(Tcl_Obj *o) { Tcl_DecrRefCount(o); }
static inline int tls_Tcl_IsShared(Tcl_Obj *o) { return Tcl_IsShared(o); }
static inline const char *tls_Tcl_InitStubs(Tcl_Interp *i, const char *v, int exact) { return Tcl_InitStubs(i, v, exact); }
/* TCL_CLOSE2PROC is the pointer value 1, which Swift cannot form as a function pointer. */
static inline void tls_Tcl_SetClose2Marker(Tcl_ChannelType *t) { t->closeProc = TCL_CLOSE2PROC; }
static inline Tcl_ChannelTypeVersion tls_Tcl_ChannelVersion5(void) { return TCL_CHANNEL_VERSION_5; }
#endif
