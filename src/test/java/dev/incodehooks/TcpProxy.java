package dev.incodehooks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP forwarder on 127.0.0.1 that can be "unplugged": while it is not started, its port refuses
 * connections, as an unreachable server does, and {@link #unplug()} also cuts the connections under way.
 * Used to make a real server (a Kafka broker, PostgreSQL) unreachable and then reachable again.
 */
public final class TcpProxy implements AutoCloseable {

    private final int port;

    private final int targetPort;

    private volatile ServerSocket server;

    private final java.util.Set<Socket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private volatile boolean dropAnswers;

    public TcpProxy(int targetPort) {
        this.targetPort = targetPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public int port() {
        return this.port;
    }

    /** Starts forwarding connections to the target. */
    public synchronized void start() throws IOException {
        this.server = new ServerSocket();
        this.server.setReuseAddress(true);
        this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port));
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + this.port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * While on, what the target sends back is read and thrown away: the target does its work and answers, and
     * the client never hears it (an answer lost on the way).
     */
    public void dropAnswers(boolean drop) {
        this.dropAnswers = drop;
    }

    /** Stops forwarding and cuts the connections under way, as a server that went away does. */
    public synchronized void unplug() throws IOException {
        close();
        this.open.forEach(TcpProxy::closeQuietly);
        this.open.clear();
    }

    private void accept() {
        while (!this.server.isClosed()) {
            try {
                Socket client = this.server.accept();
                Socket target;
                try {
                    target = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
                }
                catch (IOException ex) {
                    // The target refused: the client sees its connection closed at once.
                    closeQuietly(client);
                    continue;
                }
                this.open.add(client);
                this.open.add(target);
                pump(client, target, false);
                pump(target, client, true);
            }
            catch (IOException ex) {
                // Closed, or the target refused: the client sees its connection dropped.
            }
        }
    }

    private void pump(Socket from, Socket to, boolean answers) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[8192];
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    if (!(answers && this.dropAnswers)) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
            }
            catch (IOException ex) {
                // One side closed.
            }
            finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        }
        catch (IOException ex) {
            // Already closed.
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (this.server != null) {
            this.server.close();
        }
    }
}
