package io.conflux.aws;

import static org.junit.jupiter.api.Assertions.*;

import io.conflux.resources.ConfluxResources;
import io.conflux.standins.LocalAws;
import io.conflux.standins.SharedStandIns;
import io.conflux.testing.Fixtures;
import io.conflux.update.UploadUrlSigner.PresignedPut;
import java.time.Instant;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The presigned upload path against s3proxy, which checks SigV4 signatures as S3 does. */
@ExtendWith(SharedStandIns.class)
class PresignedUploadTest {
    private static S3Uploads uploads;
    private static LocalAws aws;
    private static String bucket;

    @BeforeAll
    static void setUp(LocalAws localAws) {
        aws = localAws;
        AwsClients clients = new AwsClients(Fixtures.env(aws));
        bucket = aws.get(ConfluxResources.UPDATES_BUCKET.envVar());
        uploads = new S3Uploads(clients::s3, clients::presigner, bucket);
    }

    private static String freshKey() {
        return "presign-test/" + UUID.randomUUID();
    }

    @Test
    void put_withTheUrlAndItsHeaders_storesTheObject() {
        String key = freshKey();
        PresignedPut put = uploads.presignPut(key, 5, Instant.now().plusSeconds(60));
        assertTrue(put.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("if-none-match")), "overwrite protection is signed");
        assertEquals(200, Fixtures.put(put, "hello".getBytes()).statusCode());
        assertEquals("hello", aws.s3().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String());
    }

    @Test
    void put_isRefused_whenTheSignatureIsTampered() {
        String key = freshKey();
        PresignedPut put = uploads.presignPut(key, 5, Instant.now().plusSeconds(60));
        String url = put.url().toString();
        int i = url.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length();
        String tampered = url.substring(0, i) + (url.charAt(i) == 'a' ? 'b' : 'a') + url.substring(i + 1);
        assertEquals(403, Fixtures.put(new PresignedPut(java.net.URI.create(tampered), put.headers(), put.expiresAt()), "hello".getBytes()).statusCode());
        assertNotStored(key);
    }

    @Test
    void put_isRefused_toAnotherKey() {
        String key = freshKey();
        PresignedPut put = uploads.presignPut(key, 5, Instant.now().plusSeconds(60));
        String other = put.url().toString().replace(key, key + "-other");
        assertEquals(403, Fixtures.put(new PresignedPut(java.net.URI.create(other), put.headers(), put.expiresAt()), "hello".getBytes()).statusCode());
        assertNotStored(key + "-other");
    }

    @Test
    void put_isRefused_withAnotherContentLength() {
        String key = freshKey();
        PresignedPut put = uploads.presignPut(key, 5, Instant.now().plusSeconds(60));
        assertEquals(403, Fixtures.put(put, "hello, world".getBytes()).statusCode());
        assertNotStored(key);
    }

    @Test
    void put_isRefused_afterExpiry() throws Exception {
        String key = freshKey();
        PresignedPut put = uploads.presignPut(key, 5, Instant.now().plusMillis(1000));
        Thread.sleep(2500);
        assertEquals(403, Fixtures.put(put, "hello".getBytes()).statusCode());
        assertNotStored(key);
    }

    @Test
    void put_cannotOverwrite_aStoredUpdate() {
        String key = freshKey();
        PresignedPut put = uploads.presignPut(key, 5, Instant.now().plusSeconds(60));
        assertEquals(200, Fixtures.put(put, "first".getBytes()).statusCode());
        assertEquals(412, Fixtures.put(put, "again".getBytes()).statusCode());
        assertEquals("first", aws.s3().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String());
    }

    @Test
    void headers_areThoseTheClientMustSend() {
        PresignedPut put = uploads.presignPut(freshKey(), 5, Instant.now().plusSeconds(60));
        var h = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(put.headers());
        assertEquals("5", h.get("content-length"));
        assertEquals(S3Uploads.CONTENT_TYPE, h.get("content-type"));
        assertFalse(h.containsKey("host"));
    }

    private static void assertNotStored(String key) {
        assertThrows(NoSuchKeyException.class, () -> aws.s3().headObject(r -> r.bucket(bucket).key(key)).contentLength());
    }
}
