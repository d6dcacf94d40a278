package io.conflux.identity;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Sign-In with Ethereum message (EIP-4361, https://eips.ethereum.org/EIPS/eip-4361): the text a
 * wallet shows and signs. {@link #format()} writes it exactly as the EIP's grammar says; {@link #parse}
 * accepts exactly that grammar and nothing looser.
 */
public record SiweMessage(String domain, String address, String statement, String uri, String version, long chainId,
                          String nonce, Instant issuedAt, Instant expirationTime, Instant notBefore, String requestId,
                          List<String> resources) {

    private static final String HEADER_SUFFIX = " wants you to sign in with your Ethereum account:";
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{8,}");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?");

    public SiweMessage {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }

    public static SiweMessage of(String domain, String checksumAddress, String statement, String uri, long chainId,
                                 String nonce, Instant issuedAt, Instant expirationTime) {
        return new SiweMessage(domain, checksumAddress, statement, uri, "1", chainId, nonce, issuedAt, expirationTime,
                null, null, List.of());
    }

    public String format() {
        StringBuilder b = new StringBuilder();
        b.append(domain).append(HEADER_SUFFIX).append('\n').append(address).append("\n\n");
        if (statement != null) b.append(statement).append("\n\n");
        b.append("URI: ").append(uri).append('\n');
        b.append("Version: ").append(version).append('\n');
        b.append("Chain ID: ").append(chainId).append('\n');
        b.append("Nonce: ").append(nonce).append('\n');
        b.append("Issued At: ").append(issuedAt);
        if (expirationTime != null) b.append("\nExpiration Time: ").append(expirationTime);
        if (notBefore != null) b.append("\nNot Before: ").append(notBefore);
        if (requestId != null) b.append("\nRequest ID: ").append(requestId);
        if (!resources.isEmpty()) {
            b.append("\nResources:");
            for (String r : resources) b.append("\n- ").append(r);
        }
        return b.toString();
    }

    /** Parses a message; the exception names the line that does not follow EIP-4361. */
    public static SiweMessage parse(String text) throws AuthenticationException {
        if (text == null || text.length() > 8192) throw malformed("missing or longer than 8192 characters");
        String[] lines = text.split("\n", -1);
        Cursor c = new Cursor(lines);
        String first = c.next("header");
        if (!first.endsWith(HEADER_SUFFIX)) throw malformed("line 1 must end with '" + HEADER_SUFFIX.trim() + "'");
        String domain = first.substring(0, first.length() - HEADER_SUFFIX.length());
        if (!DOMAIN.matcher(domain).matches()) throw malformed("line 1: '" + domain + "' is not a domain");
        String address = c.next("address");
        if (!Signatures.isAddress(address)) throw malformed("line 2: '" + address + "' is not an Ethereum address");
        if (!Signatures.isValidChecksum(address)) throw malformed("line 2: address fails its EIP-55 checksum");
        if (!c.next("blank line").isEmpty()) throw malformed("line 3 must be empty");
        String statement = null;
        if (!c.peek().startsWith("URI: ")) {
            statement = c.next("statement");
            if (statement.isEmpty() || statement.contains("\r")) throw malformed("line 4: statement is empty or has a carriage return");
            if (!c.next("blank line").isEmpty()) throw malformed("line 5 must be empty");
        }
        String uri = c.field("URI");
        String version = c.field("Version");
        String chain = c.field("Chain ID");
        String nonce = c.field("Nonce");
        String issued = c.field("Issued At");
        Instant expiration = null, notBefore = null;
        String requestId = null;
        List<String> resources = new ArrayList<>();
        if (c.hasNext() && c.peek().startsWith("Expiration Time: ")) expiration = instant(c.field("Expiration Time"), "Expiration Time");
        if (c.hasNext() && c.peek().startsWith("Not Before: ")) notBefore = instant(c.field("Not Before"), "Not Before");
        if (c.hasNext() && c.peek().startsWith("Request ID: ")) requestId = c.field("Request ID");
        if (c.hasNext() && c.peek().equals("Resources:")) {
            c.next("Resources");
            while (c.hasNext() && c.peek().startsWith("- ")) resources.add(c.next("resource").substring(2));
        }
        if (c.hasNext()) throw malformed("line " + (c.index + 1) + " is not part of an EIP-4361 message");
        long chainId;
        try {
            chainId = Long.parseLong(chain);
        } catch (NumberFormatException e) {
            throw malformed("Chain ID '" + chain + "' is not a number");
        }
        if (!NONCE.matcher(nonce).matches()) throw malformed("Nonce must be at least 8 letters or digits");
        return new SiweMessage(domain, address, statement, uri, version, chainId, nonce, instant(issued, "Issued At"),
                expiration, notBefore, requestId, resources);
    }

    private static Instant instant(String s, String field) throws AuthenticationException {
        try {
            return java.time.OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw malformed(field + " '" + s + "' is not an RFC 3339 date-time");
        }
    }

    private static AuthenticationException malformed(String detail) {
        return new AuthenticationException(AuthenticationException.Reason.MALFORMED_MESSAGE, "not a Sign-In with Ethereum message: " + detail);
    }

    private static final class Cursor {
        private final String[] lines;
        private int index;

        Cursor(String[] lines) {
            this.lines = lines;
        }

        boolean hasNext() {
            return index < lines.length;
        }

        String peek() throws AuthenticationException {
            if (!hasNext()) throw malformed("ends early");
            return lines[index];
        }

        String next(String what) throws AuthenticationException {
            if (!hasNext()) throw malformed("ends before the " + what);
            return lines[index++];
        }

        String field(String name) throws AuthenticationException {
            String line = next(name);
            String prefix = name + ": ";
            if (!line.startsWith(prefix)) throw malformed("line " + index + " should be '" + prefix + "...'");
            return line.substring(prefix.length());
        }
    }
}
