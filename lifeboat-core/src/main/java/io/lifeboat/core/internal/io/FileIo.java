package io.lifeboat.core.internal.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * Channel reads and writes of heap arrays in slices of at most {@value #SLICE} bytes.
 *
 * <p>The JDK moves a heap buffer's bytes through a temporary direct buffer as large as the
 * whole request, and caches that buffer in the calling thread for good. One 16 MiB read
 * per reader thread and one 16 MiB pack write per upload thread thus pinned tens of MiB of
 * native memory for the life of the process; slices keep each thread's cached buffer at
 * {@value #SLICE} bytes, for a few thousand more system calls per GB.
 */
public final class FileIo {
    /** The most bytes one system call moves. */
    public static final int SLICE = 256 * 1024;

    private FileIo() {
    }

    /**
     * Reads at least one byte (at most {@code min(len, SLICE)}) into {@code b[off, ...)},
     * or returns -1 at the end of the input; waits while a non-blocking channel has nothing.
     */
    public static int readSome(ReadableByteChannel in, byte[] b, int off, int len) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(b, off, Math.min(len, SLICE));
        int n;
        do {
            n = in.read(target);
        } while (n == 0);
        return n;
    }

    /**
     * Reads exactly {@code b[off, off+len)} from {@code position} of {@code ch}.
     *
     * @throws EOFException if the channel ends first; the message names {@code what}
     */
    public static void readFully(FileChannel ch, long position, byte[] b, int off, int len, String what)
            throws IOException {
        int done = 0;
        while (done < len) {
            ByteBuffer target = ByteBuffer.wrap(b, off + done, Math.min(len - done, SLICE));
            int n = ch.read(target, position + done);
            if (n < 0) {
                throw new EOFException(what + " ended after " + (position + done) + " bytes");
            }
            done += n;
        }
    }

    /** Writes all of {@code b[off, off+len)} at the channel's position. */
    public static void writeFully(FileChannel ch, byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            done += ch.write(ByteBuffer.wrap(b, off + done, Math.min(len - done, SLICE)));
        }
    }

    /** Writes all of {@code b[off, off+len)} at {@code position}, leaving the channel's position alone. */
    public static void writeFully(FileChannel ch, long position, byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            done += ch.write(ByteBuffer.wrap(b, off + done, Math.min(len - done, SLICE)), position + done);
        }
    }
}
