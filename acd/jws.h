/* jws.h — a compact JWS fit to hand to cjose. */
#ifndef JWS_H
#define JWS_H

/* compact is three parts, header.payload.signature, each unpadded base64url
 * (RFC 7515 §7.1) of a length base64 can have: 1.  libcjose 0.6 asserts,
 * and so aborts the whole process, on some malformed parts ("A="): every
 * token from outside goes through this before cjose_jws_import. */
int jws_compact_ok(const char *compact);

#endif
