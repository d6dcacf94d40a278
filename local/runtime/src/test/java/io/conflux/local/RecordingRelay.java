package io.conflux.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A TCP relay on loopback in front of a real service that records every byte a client sends through it
 * (what goes on the wire: request lines, headers, bodies) and passes everything on unchanged both ways.
 */
final class RecordingRelay implements AutoCloseable {
    private final ServerSocket server;
    private final URI target;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final Thread acceptor;

    RecordingRelay(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::accept);
    }

    /** The relay's address, with the target's scheme. */
    URI uri() {
        return URI.create(target.getScheme() + "://127.0.0.1:" + server.getLocalPort());
    }

    /** Everything clients sent so far, connections in the order their bytes arrived. */
    byte[] sent() {
        synchronized (sent) {
            return sent.toByteArray();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(target.getHost(), target.getPort()));
                Thread.ofVirtual().start(() -> pump(client, upstream, true));
                Thread.ofVirtual().start(() -> pump(upstream, client, false));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean record) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (record) {
                    synchronized (sent) {
                        sent.write(buf, 0, n);
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // either side closed
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
