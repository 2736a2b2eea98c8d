package io.lifeboat.azure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of Azurite that resets the first {@code n} connections it
 * accepts (RST after reading the start of the request), then relays the rest byte for byte.
 * Proves that real socket failures of the JDK HTTP client are retried. Stops on close.
 */
final class ResettingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final AtomicInteger resetsLeft;
    private final AtomicInteger resets = new AtomicInteger();
    private final Thread acceptor;

    ResettingProxy(int targetPort, int resets) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.resetsLeft = new AtomicInteger(resets);
        this.acceptor = new Thread(this::acceptLoop, "resetting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** How many connections were reset so far. */
    int resets() {
        return resets.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (resetsLeft.getAndDecrement() > 0) {
                    reset(client);
                } else {
                    relay(client);
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void reset(Socket client) throws IOException {
        client.setSoTimeout(2000);
        try {
            client.getInputStream().read(new byte[256]); // let the request start, then drop it
        } catch (IOException ignored) {
            // timed out or gone
        }
        client.setSoLinger(true, 0); // close with RST: "Connection reset" on the client
        client.close();
        resets.incrementAndGet();
    }

    private void relay(Socket client) throws IOException {
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
        pipe(client, upstream);
        pipe(upstream, client);
    }

    private static void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // one side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }, "resetting-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
