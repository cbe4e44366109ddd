package dev.reporag.http;

import io.javalin.http.Context;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who is calling. X-Forwarded-For is spoofable, so it counts only when the service is configured to
 * sit behind one reverse proxy; then the right-most entry, the one that proxy appended, is the client.
 */
final class ClientAddress {
    private final boolean trustForwardedFor;

    ClientAddress(boolean trustForwardedFor) {
        this.trustForwardedFor = trustForwardedFor;
    }

    String of(Context ctx) {
        if (trustForwardedFor) {
            String forwarded = ctx.header("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                String last = hops[hops.length - 1].strip();
                if (!last.isEmpty()) {
                    return last;
                }
            }
        }
        return ctx.req().getRemoteAddr();
    }

    boolean isLoopback(Context ctx) {
        String address = of(ctx).replace("[", "").replace("]", "");
        // Only IP literals are parsed: a host name here would mean a DNS lookup of caller-chosen text.
        boolean literal = address.matches("\\d{1,3}(\\.\\d{1,3}){3}") || address.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%\\w+)?");
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
