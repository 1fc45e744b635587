package dev.incodehooks.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Compares what a caller sent with configured secrets as SHA-256 digests with
 * {@link MessageDigest#isEqual}, against every accepted value, so that neither the content nor the length
 * of a secret shows in the response time.
 */
final class Secrets {

    private final List<byte[]> acceptedDigests;

    Secrets(List<String> accepted) {
        this.acceptedDigests = accepted.stream().map(Secrets::digest).toList();
    }

    boolean accepts(String sent) {
        byte[] digest = digest(sent);
        boolean accepted = false;
        for (byte[] candidate : this.acceptedDigests) {
            accepted |= MessageDigest.isEqual(candidate, digest);
        }
        return accepted;
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", ex);
        }
    }

    /** Never prints the secrets. */
    @Override
    public String toString() {
        return "Secrets[" + this.acceptedDigests.size() + "]";
    }
}
