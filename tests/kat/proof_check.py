#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Independent check of tests/kat/proof.exp (docs/formats.md, Part IV).

Pure Python: ristretto255 from RFC 9496 §4, BLAKE2b from hashlib, scalar
arithmetic with Python integers.  Shares no code with crypto/: it re-derives
every fixed secret and nonce from its name, recomputes every point, re-proves
every proof from its nonces (byte for byte), verifies every proof as an
outside verifier would, and recombines every quorum.

    python3 tests/kat/proof_check.py [tests/kat/proof.exp] [--dump]

--dump prints the transcript bytes of bit01[0], sum and pdec[0][1].
Exit status 0 iff every check passes.
"""
import hashlib
import sys

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752
INVSQRT_A_MINUS_D = 54469307008909316920995813868745141605393597292927456921205312896311721017578


def neg(x):
    return x % P & 1 == 1


def ct_abs(x):
    return (-x) % P if neg(x) else x % P


def sqrt_ratio_m1(u, v):
    r = (u * v**3) * pow(u * v**7, (P - 5) // 8, P) % P
    check = v * r * r % P
    correct = check == u % P
    flipped = check == (-u) % P
    flipped_i = check == (-u * SQRT_M1) % P
    if flipped or flipped_i:
        r = r * SQRT_M1 % P
    return correct or flipped, ct_abs(r)


def decode(b):
    """RFC 9496 §4.3.1; None if invalid (including bit 255 set)."""
    if len(b) != 32:
        return None
    s = int.from_bytes(b, "little")
    if s >= P or neg(s):        # s >= P also covers bit 255
        return None
    ss = s * s % P
    u1 = (1 - ss) % P
    u2 = (1 + ss) % P
    u2_sqr = u2 * u2 % P
    v = (-(D * u1 * u1) - u2_sqr) % P
    was_square, invsqrt = sqrt_ratio_m1(1, v * u2_sqr % P)
    den_x = invsqrt * u2 % P
    den_y = invsqrt * den_x * v % P
    x = ct_abs(2 * s * den_x)
    y = u1 * den_y % P
    t = x * y % P
    if not was_square or neg(t) or y == 0:
        return None
    return (x, y, 1, t)


def encode(pt):
    """RFC 9496 §4.3.2."""
    x0, y0, z0, t0 = pt
    u1 = (z0 + y0) * (z0 - y0) % P
    u2 = x0 * y0 % P
    _, invsqrt = sqrt_ratio_m1(1, u1 * u2 * u2 % P)
    den1 = invsqrt * u1 % P
    den2 = invsqrt * u2 % P
    z_inv = den1 * den2 * t0 % P
    if neg(t0 * z_inv):
        x, y = y0 * SQRT_M1 % P, x0 * SQRT_M1 % P
        den_inv = den1 * INVSQRT_A_MINUS_D % P
    else:
        x, y, den_inv = x0, y0, den2
    if neg(x * z_inv):
        y = (-y) % P
    s = ct_abs(den_inv * (z0 - y))
    return s.to_bytes(32, "little")


IDENTITY = (0, 1, 1, 0)


def add(p1, p2):
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * D * t1 * t2 % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def negate(pt):
    x, y, z, t = pt
    return ((-x) % P, y, z, (-t) % P)


def mul(n, pt):
    acc = IDENTITY
    for bit in bin(n % L)[2:]:
        acc = add(acc, acc)
        if bit == "1":
            acc = add(acc, pt)
    return acc


G = decode(bytes.fromhex(
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"))


def pt(b):
    q = decode(b)
    assert q is not None, "invalid point " + b.hex()
    return q


def enc_add(a, b):
    return encode(add(pt(a), pt(b)))


def enc_sub(a, b):
    return encode(add(pt(a), negate(pt(b))))


def enc_mul(n, a):
    return encode(mul(n, pt(a)))


def enc_base(n):
    return encode(mul(n, G))


def sc(b):
    return int.from_bytes(b, "little")


def scb(n):
    return (n % L).to_bytes(32, "little")


def kat_scalar(name):
    return sc(hashlib.blake2b(name.encode(), digest_size=64).digest()) % L


def kat_bytes32(name):
    return hashlib.blake2b(name.encode(), digest_size=32).digest()


# ---- transcript (proof.h) ----

def u32(v):
    return v.to_bytes(4, "little")


def transcript(label, fields):
    """Bytes hashed for a challenge: domain NUL, u8 len label, label,
    then u32le len || bytes per field."""
    out = b"tallyvan/proof/v1\x00" + bytes([len(label)]) + label.encode()
    for f in fields:
        out += u32(len(f)) + f
    return out


def challenge(label, fields):
    h = hashlib.blake2b(transcript(label, fields), digest_size=64).digest()
    return sc(h) % L


def recommit(z, c, Pp, Y, Q):
    """A = z*G - c*P, B = z*Y - c*Q (encoded)."""
    A = encode(add(mul(z, G), negate(mul(c, pt(Pp)))))
    B = encode(add(mul(z, pt(Y)), negate(mul(c, pt(Q)))))
    return A, B


def canonical(b):
    return sc(b) < L


def ok_nonid(b):
    return decode(b) is not None and b != bytes(32)


def stmt01(ctx, dev, slot, X, R, C):
    return [ctx, dev, u32(slot), X, R, C]


def verify01(proof, ctx, dev, slot, X, R, C):
    parts = [proof[i:i + 32] for i in range(0, 128, 32)]
    if not all(canonical(p) for p in parts):
        return False
    if not (ok_nonid(X) and ok_nonid(R) and decode(C) is not None):
        return False
    c0, c1, z0, z1 = (sc(p) for p in parts)
    D1 = enc_sub(C, enc_base(1))
    A0, B0 = recommit(z0, c0, R, X, C)
    A1, B1 = recommit(z1, c1, R, X, D1)
    c = challenge("bit01", stmt01(ctx, dev, slot, X, R, C) +
                  [A0, B0, A1, B1])
    return (c0 + c1) % L == c


def prove01(ctx, dev, slot, X, R, C, r, m, w, cf, zf):
    f = 1 - m
    Df = enc_sub(C, enc_base(f)) if f else C
    As, Bs = recommit(zf, cf, R, X, Df)
    Ar, Br = enc_base(w), enc_mul(w, X)
    if m == 0:
        com = [Ar, Br, As, Bs]
    else:
        com = [As, Bs, Ar, Br]
    c = challenge("bit01", stmt01(ctx, dev, slot, X, R, C) + com)
    cm = (c - cf) % L
    zm = (w + cm * r) % L
    cs = [cm, cf] if m == 0 else [cf, cm]
    zs = [zm, zf] if m == 0 else [zf, zm]
    return b"".join(scb(v) for v in cs + zs), com


def stmtsum(ctx, dev, group, s, XS, R, CS):
    return [ctx, dev, u32(group), u32(s), XS, R, CS]


def verify_sum(proof, ctx, dev, group, s, XS, R, CS):
    if not (canonical(proof[:32]) and canonical(proof[32:])):
        return False
    if not (decode(XS) is not None and ok_nonid(R) and
            decode(CS) is not None):
        return False
    c, z = sc(proof[:32]), sc(proof[32:])
    Dp = enc_sub(CS, enc_base(s)) if s else CS
    A, B = recommit(z, c, R, XS, Dp)
    return c == challenge("sum", stmtsum(ctx, dev, group, s, XS, R, CS) +
                          [A, B])


def prove_sum(ctx, dev, group, s, XS, R, CS, r, w):
    A, B = enc_base(w), enc_mul(w, XS)
    c = challenge("sum", stmtsum(ctx, dev, group, s, XS, R, CS) + [A, B])
    return scb(c) + scb(w + c * r)


def stmtpdec(ctx, agg, trustee, slot, S, R, Dd):
    return [ctx, agg, u32(trustee), u32(slot), S, R, Dd]


def verify_pdec(proof, ctx, agg, trustee, slot, S, R, Dd):
    if not (canonical(proof[:32]) and canonical(proof[32:])):
        return False
    if not (ok_nonid(S) and ok_nonid(R) and ok_nonid(Dd)):
        return False
    c, z = sc(proof[:32]), sc(proof[32:])
    A, B = recommit(z, c, S, R, Dd)
    return c == challenge("pdec", stmtpdec(ctx, agg, trustee, slot, S, R,
                                           Dd) + [A, B])


def prove_pdec(ctx, agg, trustee, slot, S, R, Dd, s, w):
    A, B = enc_base(w), enc_mul(w, R)
    c = challenge("pdec", stmtpdec(ctx, agg, trustee, slot, S, R, Dd) +
                  [A, B])
    return scb(c) + scb(w + c * s)


def lagrange0(j, q):
    num, den = 1, 1
    for k in q:
        if k != j:
            num = num * k % L
            den = den * (k - j) % L
    return num * pow(den, L - 2, L) % L


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    dump = "--dump" in sys.argv
    path = args[0] if args else "tests/kat/proof.exp"
    v = {}
    for line in open(path):
        name, _, val = line.rstrip("\n").partition(" = ")
        v[name] = bytes.fromhex(val)
    fails = []

    def check(cond, what):
        if not cond:
            fails.append(what)

    # The arithmetic itself, against RFC 9496 A.1 (2*G) and identities.
    check(encode(G).hex() ==
          "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
          "G round-trips")
    check(encode(add(G, G)).hex() ==
          "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
          "2*G (RFC 9496 A.1)")
    check(encode(mul(L, G)) == bytes(32), "L*G is the identity")
    check(decode(bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa5"
                               "82dd8db6a65945e08d2df6")) is None,
          "bit-255 G rejected")
    check(encode(IDENTITY) == bytes(32), "identity encodes as zeros")
    check(SQRT_M1 * SQRT_M1 % P == P - 1, "SQRT_M1")
    check(INVSQRT_A_MINUS_D ** 2 * (-1 - D) % P == 1, "INVSQRT_A_MINUS_D")

    K, N = 3, 3
    ctx, dev = v["ctx"], v["device"]
    check(ctx == kat_bytes32("tallyvan/kat/ctx"), "ctx derivation")
    check(dev == kat_bytes32("tallyvan/kat/device"), "device derivation")
    x = [kat_scalar("tallyvan/kat/x/%d" % i) for i in range(K)]
    X = [enc_base(xi) for xi in x]
    for i in range(K):
        check(v["x[%d]" % i] == scb(x[i]), "x[%d]" % i)
        check(v["X[%d]" % i] == X[i], "X[%d]" % i)
    r = kat_scalar("tallyvan/kat/r")
    m = [v["m[%d]" % i][0] for i in range(K)]
    R = enc_base(r)
    C = [enc_add(enc_mul(r, X[i]), enc_base(m[i])) if m[i]
         else enc_mul(r, X[i]) for i in range(K)]
    check(v["r"] == scb(r) and v["R"] == R, "r, R")
    for i in range(K):
        check(v["C[%d]" % i] == C[i], "C[%d]" % i)

    for i in range(K):
        w = kat_scalar("tallyvan/kat/bit01/w/%d" % i)
        cf = kat_scalar("tallyvan/kat/bit01/cf/%d" % i)
        zf = kat_scalar("tallyvan/kat/bit01/zf/%d" % i)
        check(v["bit01[%d].w" % i] == scb(w), "bit01 w")
        check(v["bit01[%d].cf" % i] == scb(cf), "bit01 cf")
        check(v["bit01[%d].zf" % i] == scb(zf), "bit01 zf")
        proof, com = prove01(ctx, dev, i, X[i], R, C[i], r, m[i], w, cf, zf)
        check(v["bit01[%d].proof" % i] == proof, "bit01[%d] re-proved" % i)
        check(verify01(v["bit01[%d].proof" % i], ctx, dev, i, X[i], R, C[i]),
              "bit01[%d] verifies" % i)
        check(not verify01(v["bit01[%d].proof" % i], ctx, dev, i + 1, X[i],
                           R, C[i]), "bit01[%d] not for slot %d" % (i, i + 1))
        if dump and i == 0:
            print("transcript bit01[0] (%d bytes):" % len(transcript(
                "bit01", stmt01(ctx, dev, i, X[i], R, C[i]) + com)))
            print(transcript("bit01", stmt01(ctx, dev, i, X[i], R, C[i]) +
                             com).hex())
            print("c = c0 + c1 =", scb(sc(proof[:32]) +
                                       sc(proof[32:64])).hex())

    XS = enc_add(enc_add(X[0], X[1]), X[2])
    CS = enc_add(enc_add(C[0], C[1]), C[2])
    w = kat_scalar("tallyvan/kat/sum/w")
    check(v["sum.XS"] == XS and v["sum.CS"] == CS, "XS, CS")
    check(v["sum.w"] == scb(w), "sum w")
    check(v["sum.proof"] == prove_sum(ctx, dev, 0, 1, XS, R, CS, r, w),
          "sum re-proved")
    check(verify_sum(v["sum.proof"], ctx, dev, 0, 1, XS, R, CS),
          "sum verifies")
    check(not verify_sum(v["sum.proof"], ctx, dev, 0, 2, XS, R, CS),
          "sum proof not for sum 2")
    if dump:
        A, B = enc_base(w), enc_mul(w, XS)
        t = transcript("sum", stmtsum(ctx, dev, 0, 1, XS, R, CS) + [A, B])
        print("transcript sum (%d bytes):" % len(t))
        print(t.hex())

    shares = []
    S = []
    for i in range(K):
        a1 = kat_scalar("tallyvan/kat/a/%d/1" % i)
        check(v["a[%d][1]" % i] == scb(a1), "a[%d][1]" % i)
        check(v["A[%d][0]" % i] == X[i], "A[%d][0] = X" % i)
        check(v["A[%d][1]" % i] == enc_base(a1), "A[%d][1]" % i)
        si = [(x[i] + j * a1) % L for j in range(1, N + 1)]
        shares.append(si)
        Si = []
        for j in range(1, N + 1):
            check(v["s[%d][%d]" % (i, j)] == scb(si[j - 1]), "s[%d][%d]"
                  % (i, j))
            Sij = enc_add(X[i], enc_mul(j, v["A[%d][1]" % i]))
            check(v["S[%d][%d]" % (i, j)] == Sij, "S[%d][%d]" % (i, j))
            check(enc_base(si[j - 1]) == Sij, "s*G == S [%d][%d]" % (i, j))
            Si.append(Sij)
        S.append(Si)

    quorums = [(1, 2), (1, 3), (2, 3)]
    for q in quorums:
        for j in q:
            check(v["lambda{%d,%d}[%d]" % (q[0], q[1], j)] ==
                  scb(lagrange0(j, q)), "lambda %r %d" % (q, j))

    r2 = kat_scalar("tallyvan/kat/r2")
    m2 = [1, 0, 0]
    check(v["r2"] == scb(r2), "r2")
    Ra = enc_add(R, enc_base(r2))
    C2 = [enc_add(enc_mul(r2, X[i]), enc_base(m2[i])) if m2[i]
          else enc_mul(r2, X[i]) for i in range(K)]
    Ca = [enc_add(C[i], C2[i]) for i in range(K)]
    check(v["agg.R"] == Ra, "agg.R")
    for i in range(K):
        check(v["agg.C[%d]" % i] == Ca[i], "agg.C[%d]" % i)
    agg = hashlib.blake2b(Ra + b"".join(Ca), digest_size=32).digest()
    check(v["agg.hash"] == agg, "agg.hash")

    Dd = {}
    for i in range(K):
        for j in range(1, N + 1):
            s = shares[i][j - 1]
            w = kat_scalar("tallyvan/kat/pdec/w/%d/%d" % (i, j))
            Dij = enc_mul(s, Ra)
            Dd[i, j] = Dij
            name = "pdec[%d][%d]" % (i, j)
            check(v[name + ".w"] == scb(w), name + ".w")
            check(v[name + ".D"] == Dij, name + ".D")
            check(v[name + ".proof"] == prove_pdec(ctx, agg, j, i,
                                                   S[i][j - 1], Ra, Dij, s, w),
                  name + " re-proved")
            check(verify_pdec(v[name + ".proof"], ctx, agg, j, i,
                              S[i][j - 1], Ra, Dij), name + " verifies")
            check(not verify_pdec(v[name + ".proof"], ctx, agg, j % N + 1, i,
                                  S[i][j - 1], Ra, Dij),
                  name + " not for another trustee")
            if dump and (i, j) == (0, 1):
                A, B = enc_base(w), enc_mul(w, Ra)
                t = transcript("pdec", stmtpdec(ctx, agg, j, i, S[i][j - 1],
                                                Ra, Dij) + [A, B])
                print("transcript pdec[0][1] (%d bytes):" % len(t))
                print(t.hex())

    for q in quorums:
        for i in range(K):
            acc = IDENTITY
            for j in q:
                acc = add(acc, mul(lagrange0(j, q), pt(Dd[i, j])))
            M = encode(add(pt(Ca[i]), negate(acc)))
            check(M == v["M[%d]" % i], "M[%d] via %r" % (i, q))
            check(M == (enc_base(v["v[%d]" % i][0]) if v["v[%d]" % i][0]
                        else bytes(32)), "M[%d] == v*G" % i)

    nchecks = len(v)
    if fails:
        for f in fails:
            print("FAIL", f)
        return 1
    print("proof.exp: all %d vectors reproduced independently" % nchecks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
