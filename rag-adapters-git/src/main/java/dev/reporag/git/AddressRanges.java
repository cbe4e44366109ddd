package dev.reporag.git;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Which addresses a repository host may not resolve to. Pure: it only looks at address bytes.
 * IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that
 * IPv4 address, so {@code ::ffff:127.0.0.1} is loopback like {@code 127.0.0.1}.
 */
final class AddressRanges {
    /** Why an address is refused; LOOPBACK alone is allowed when local sources are. */
    enum Kind {
        LOOPBACK("a loopback address"),
        PRIVATE("a private network address"),
        LINK_LOCAL("a link-local address (cloud metadata lives there)"),
        SHARED("a carrier-grade NAT address (100.64.0.0/10)"),
        MULTICAST("a multicast address"),
        UNSPECIFIED("an unspecified address"),
        RESERVED("a reserved address");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    private AddressRanges() {
    }

    static Optional<Kind> classify(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return classifyV4(b);
        }
        if (address instanceof Inet6Address) {
            return classifyV6(b);
        }
        return Optional.of(Kind.RESERVED);
    }

    private static Optional<Kind> classifyV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        if (a0 == 0) {
            return Optional.of(Kind.UNSPECIFIED);
        }
        if (a0 == 127) {
            return Optional.of(Kind.LOOPBACK);
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return Optional.of(Kind.PRIVATE);
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of(Kind.LINK_LOCAL);
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return Optional.of(Kind.SHARED);
        }
        if (a0 >= 224 && a0 <= 239) {
            return Optional.of(Kind.MULTICAST);
        }
        if (a0 >= 240) {
            return Optional.of(Kind.RESERVED); // includes 255.255.255.255
        }
        boolean reserved = (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) // IETF, TEST-NET-1
                || (a0 == 198 && (a1 == 18 || a1 == 19)) // benchmarking
                || (a0 == 198 && a1 == 51 && a2 == 100) // TEST-NET-2
                || (a0 == 203 && a1 == 0 && a2 == 113); // TEST-NET-3
        return reserved ? Optional.of(Kind.RESERVED) : Optional.empty();
    }

    private static Optional<Kind> classifyV6(byte[] b) {
        if (isZero(b, 0, 10)) {
            if ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return classifyV4(tail(b, 12)); // ::ffff:a.b.c.d, IPv4-mapped
            }
            if (isZero(b, 10, 16)) {
                return Optional.of(Kind.UNSPECIFIED); // ::
            }
            if (isZero(b, 10, 15) && b[15] == 1) {
                return Optional.of(Kind.LOOPBACK); // ::1
            }
            if (isZero(b, 10, 12)) {
                return classifyV4(tail(b, 12)); // ::a.b.c.d, IPv4-compatible (deprecated)
            }
            return Optional.of(Kind.RESERVED);
        }
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (w0 == 0x0064 && w1 == 0xff9b && isZero(b, 4, 12)) {
            return classifyV4(tail(b, 12)); // 64:ff9b::/96 NAT64
        }
        if (w0 == 0x2002) {
            return classifyV4(new byte[] {b[2], b[3], b[4], b[5]}); // 6to4 embeds the IPv4 address
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return Optional.of(Kind.PRIVATE); // fc00::/7 unique local
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
            return Optional.of(Kind.LINK_LOCAL); // fe80::/10
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return Optional.of(Kind.PRIVATE); // fec0::/10 site-local (deprecated)
        }
        if ((b[0] & 0xff) == 0xff) {
            return Optional.of(Kind.MULTICAST);
        }
        if ((w0 == 0x2001 && w1 == 0x0db8) || (w0 == 0x0100 && isZero(b, 2, 8))) {
            return Optional.of(Kind.RESERVED); // documentation, discard-only
        }
        return Optional.empty();
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] tail(byte[] b, int from) {
        byte[] v4 = new byte[b.length - from];
        System.arraycopy(b, from, v4, 0, v4.length);
        return v4;
    }

    static InetAddress v4(long value) {
        try {
            return InetAddress.getByAddress(new byte[] {
                    (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always a valid address
        }
    }
}
