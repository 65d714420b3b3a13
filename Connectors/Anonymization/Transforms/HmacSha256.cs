using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>
/// HMAC-SHA-256 (RFC 2104) with the states after the key's inner and outer pads computed once: a message of up to
/// 55 bytes then costs two compressions (<see cref="Sha256Compression"/>). Equal to
/// <see cref="HMACSHA256.HashData(byte[], byte[])"/> for every key and message (tests hold it to that).
/// Not thread-safe: one instance per transform, and a transform belongs to one export.
/// </summary>
internal sealed class HmacSha256
{
    private const int BlockSize = 64;

    private readonly uint[] _inner = new uint[Sha256Compression.StateWords];
    private readonly uint[] _outer = new uint[Sha256Compression.StateWords];
    private readonly uint[] _state = new uint[Sha256Compression.StateWords];
    private readonly byte[] _block = new byte[BlockSize];

    public HmacSha256(ReadOnlySpan<byte> key)
    {
        Span<byte> padded = stackalloc byte[BlockSize];
        padded.Clear();
        if (key.Length > BlockSize)
        {
            SHA256.HashData(key, padded);
        }
        else
        {
            key.CopyTo(padded);
        }
        Span<byte> pad = stackalloc byte[BlockSize];
        for (var i = 0; i < BlockSize; i++)
        {
            pad[i] = (byte)(padded[i] ^ 0x36);
        }
        Sha256Compression.InitialState.CopyTo(_inner);
        Sha256Compression.Compress(_inner, pad);
        for (var i = 0; i < BlockSize; i++)
        {
            pad[i] = (byte)(padded[i] ^ 0x5c);
        }
        Sha256Compression.InitialState.CopyTo(_outer);
        Sha256Compression.Compress(_outer, pad);
        CryptographicOperations.ZeroMemory(padded);
        CryptographicOperations.ZeroMemory(pad);
    }

    /// <summary>Writes HMAC-SHA-256(key, <paramref name="message"/>) into the first 32 bytes of <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Compute(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        if (destination.Length < 32)
        {
            throw new ArgumentException("32 bytes are needed", nameof(destination));
        }
        var state = _state.AsSpan();
        var block = _block.AsSpan();
        _inner.CopyTo(state);
        // The inner hash covers the pad block already compressed, then the message.
        Finish(state, block, message, BlockSize + (long)message.Length);
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(block[(4 * i)..], state[i]);
        }
        _outer.CopyTo(state);
        block[32] = 0x80;
        block[33..56].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(block[56..], (BlockSize + 32) * 8);
        Sha256Compression.Compress(state, block);
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(4 * i)..], state[i]);
        }
    }

    /// <summary>Compresses <paramref name="message"/> and the final padding (total hashed length <paramref name="total"/> bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Span<uint> state, Span<byte> block, ReadOnlySpan<byte> message, long total)
    {
        while (message.Length >= BlockSize)
        {
            Sha256Compression.Compress(state, message);
            message = message[BlockSize..];
        }
        message.CopyTo(block);
        block[message.Length] = 0x80;
        if (message.Length + 1 > BlockSize - 8)
        {
            block[(message.Length + 1)..].Clear();
            Sha256Compression.Compress(state, block);
            block[..56].Clear();
        }
        else
        {
            block[(message.Length + 1)..56].Clear();
        }
        BinaryPrimitives.WriteUInt64BigEndian(block[56..], (ulong)total * 8);
        Sha256Compression.Compress(state, block);
    }
}
