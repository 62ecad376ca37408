package dev.rill.gateway;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import dev.rill.bus.codec.EventEncoder;
import dev.rill.bus.codec.HelloEncoder;
import dev.rill.bus.codec.MessageHeaderDecoder;
import dev.rill.bus.codec.MessageHeaderEncoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A blocking socket client that writes arbitrary bytes, to send the server what a well-behaved
 * client never would, and reads frames back.
 */
final class RawClient implements AutoCloseable
{
    private final Socket socket;
    private final OutputStream output;
    private final DataInputStream input;

    RawClient(final InetSocketAddress address) throws IOException
    {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        output = socket.getOutputStream();
        input = new DataInputStream(socket.getInputStream());
    }

    void sendRaw(final byte[] bytes) throws IOException
    {
        output.write(bytes);
        output.flush();
    }

    /** Sends a frame: little-endian length, then the message. */
    void sendFrame(final byte[] message) throws IOException
    {
        sendRaw(frame(message));
    }

    static byte[] frame(final byte[] message)
    {
        final byte[] framed = new byte[4 + message.length];
        new UnsafeBuffer(framed).putInt(0, message.length, java.nio.ByteOrder.LITTLE_ENDIAN);
        System.arraycopy(message, 0, framed, 4, message.length);
        return framed;
    }

    /** @return the next frame's message, or null when the server closed the connection. */
    byte[] readFrame() throws IOException
    {
        final byte[] lengthBytes = new byte[4];
        try
        {
            input.readFully(lengthBytes);
        }
        catch (final EOFException e)
        {
            return null;
        }
        final int length = new UnsafeBuffer(lengthBytes).getInt(0, java.nio.ByteOrder.LITTLE_ENDIAN);
        final byte[] message = new byte[length];
        input.readFully(message);
        return message;
    }

    /** @return true when the server closed the connection (end of stream) within the timeout. */
    boolean closedByServer() throws IOException
    {
        try
        {
            while (true)
            {
                if (readFrame() == null)
                {
                    return true;
                }
            }
        }
        catch (final SocketTimeoutException e)
        {
            return false;
        }
        catch (final IOException e)
        {
            return true; // reset by peer
        }
    }

    static int blockLength(final byte[] message)
    {
        return new UnsafeBuffer(message).getShort(0, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    static int templateId(final byte[] message)
    {
        return new MessageHeaderDecoder().wrap(new UnsafeBuffer(message), 0).templateId();
    }

    static byte[] hello(final long producerId)
    {
        return hello(producerId, 1);
    }

    static byte[] hello(final long producerId, final int epoch)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final HelloEncoder hello = new HelloEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        hello.producerId(producerId).epoch(epoch).putToken(new byte[0], 0, 0).clientName("raw");
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + hello.encodedLength());
    }

    static byte[] event(final long seq, final String topic, final double... fields)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128 + fields.length * 8 + topic.length() * 4]);
        final EventEncoder event = new EventEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        event.producerId(1).seq(seq).key(42).eventTimeNanos(System.currentTimeMillis() * 1_000_000L);
        final EventEncoder.FieldsEncoder group = event.fieldsCount(fields.length);
        for (final double f : fields)
        {
            group.next().value(f);
        }
        event.topic(topic);
        return copy(buffer, MessageHeaderEncoder.ENCODED_LENGTH + event.encodedLength());
    }

    /**
     * An Event as a version 1 to 3 client encodes it: header version 1, a 44-byte block (no
     * schemaVersion, no options), then the fields and the topic.
     */
    static byte[] eventVersionOne(final long seq, final String topic, final double... fields)
    {
        final byte[] current = event(seq, topic, fields);
        final int header = MessageHeaderEncoder.ENCODED_LENGTH;
        final int oldBlock = EventEncoder.schemaVersionEncodingOffset();
        final byte[] old = new byte[current.length - (EventEncoder.BLOCK_LENGTH - oldBlock)];
        System.arraycopy(current, 0, old, 0, header + oldBlock);
        System.arraycopy(current, header + EventEncoder.BLOCK_LENGTH, old, header + oldBlock, current.length - header - EventEncoder.BLOCK_LENGTH);
        final UnsafeBuffer buffer = new UnsafeBuffer(old);
        buffer.putShort(0, (short)oldBlock, java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(6, (short)1, java.nio.ByteOrder.LITTLE_ENDIAN);
        return old;
    }

    static byte[] copy(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
