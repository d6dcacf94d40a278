package io.conflux.identity;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Sign-In with Ethereum: a single-use nonce, a signed EIP-4361 message, a short-lived session token.
 * A wallet that signs in is registered as a trader; addresses listed as operators also get the
 * operator role.
 */
public final class SignInService {
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final Duration NONCE_TTL = Duration.ofMinutes(10);

    private final SiweVerifier verifier;
    private final NonceStore nonces;
    private final TraderRegistry traders;
    private final SessionTokens tokens;
    private final Set<String> operators;
    private final Clock clock;
    private final String domain;
    private final String uri;
    private final long chainId;

    public SignInService(String domain, String uri, long chainId, NonceStore nonces, TraderRegistry traders,
                         SessionTokens tokens, Set<String> operators, Clock clock) {
        this.domain = domain;
        this.uri = uri;
        this.chainId = chainId;
        this.verifier = new SiweVerifier(domain, chainId, clock);
        this.nonces = nonces;
        this.traders = traders;
        this.tokens = tokens;
        this.operators = Set.copyOf(operators.stream().map(Signatures::normalize).toList());
        this.clock = clock;
    }

    /** What a client needs to compose the message: the nonce and this deployment's domain, URI and chain. */
    public record Challenge(String nonce, Instant issuedAt, Instant expiresAt, String domain, String uri, long chainId) {
        /** The EIP-4361 message a wallet would sign for this challenge. */
        public SiweMessage messageFor(String checksumAddress) {
            return SiweMessage.of(domain, checksumAddress, STATEMENT, uri, chainId, nonce, issuedAt, expiresAt);
        }

        /** What a wallet app sends to sign in: the message for this challenge and its personal_sign signature. */
        public SignedLogin signWith(Wallet wallet) {
            String message = messageFor(wallet.checksumAddress()).format();
            return new SignedLogin(message, Signatures.toHex(wallet.signPersonal(message.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }
    }

    /** The body of {@code POST /auth/login}. */
    public record SignedLogin(String message, String signature) {}

    /** The statement every Conflux sign-in message carries. */
    public static final String STATEMENT = "Sign in to Conflux.";

    public Challenge challenge() {
        Instant now = clock.instant();
        char[] n = new char[20];
        for (int i = 0; i < n.length; i++) n[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        String nonce = new String(n);
        Instant expires = now.plus(NONCE_TTL);
        nonces.put(nonce, expires);
        return new Challenge(nonce, now, expires, domain, uri, chainId);
    }

    /** Verifies the signed message, consumes its nonce, registers the trader, issues a token. */
    public SessionTokens.Issued signIn(String message, String signatureHex) throws AuthenticationException {
        SiweMessage m = verifier.verify(message, signatureHex);
        nonces.consume(m.nonce(), clock.instant());
        String address = Signatures.normalize(m.address());
        traders.recordSignIn(address, clock.instant());
        Set<Session.Role> roles = EnumSet.of(Session.Role.TRADER);
        if (operators.contains(address)) roles.add(Session.Role.OPERATOR);
        return tokens.issue(address, roles);
    }

    public Session authenticate(String bearerToken) throws AuthenticationException {
        return tokens.verify(bearerToken);
    }
}
