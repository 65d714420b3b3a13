using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Portal.Connectors.Anonymization.Transforms;

/// <summary>
/// The SHA-256 compression function (FIPS 180-4 §6.2.2): one 64-byte block into an eight-word state. A keyed hash of a
/// short value is two of these once the HMAC pads are precomputed (<see cref="HmacSha256"/>); the platform's HMAC
/// instead copies a native context, clears the error queue and frees memory on every call, several times the cost
/// of the hashing. Uses OpenSSL's block function (SHA extensions where the CPU has them) when libcrypto is loaded
/// and gives the same answer as this file's managed rounds on a test block; else the managed rounds.
/// </summary>
internal static unsafe class Sha256Compression
{
    private static readonly uint[] Constants =
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>The initial hash value H(0).</summary>
    public static ReadOnlySpan<uint> InitialState =>
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    // SHA256_Transform(SHA256_CTX*, const unsigned char*) reads and writes only the eight state words at the
    // start of the context; the state buffers passed are a whole SHA256_CTX long (112 bytes) all the same.
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<uint*, byte*, void> Native = LoadNative();

    /// <summary>Words a state buffer must have (the size of OpenSSL's SHA256_CTX).</summary>
    public const int StateWords = 28;

    /// <summary>Whether OpenSSL's block function is in use.</summary>
    public static bool IsNative => Native != null;

    /// <summary>Compresses one block into <paramref name="state"/> (at least <see cref="StateWords"/> words; the first eight are the state).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Compress(Span<uint> state, ReadOnlySpan<byte> block)
    {
        if (state.Length < StateWords || block.Length < 64)
        {
            throw new ArgumentException("a state of 28 words and a block of 64 bytes are needed");
        }
        if (Native != null)
        {
            fixed (uint* s = state)
            fixed (byte* b = block)
            {
                Native(s, b);
            }
            return;
        }
        CompressManaged(state, block);
    }

    /// <summary>The managed rounds; public to the tests, which hold them against OpenSSL's.</summary>
    public static void CompressManaged(Span<uint> state, ReadOnlySpan<byte> block)
    {
        Span<uint> w = stackalloc uint[64];
        for (var t = 0; t < 16; t++)
        {
            w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        }
        for (var t = 16; t < 64; t++)
        {
            var s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            var s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        for (var t = 0; t < 64; t++)
        {
            var t1 = h + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25)) + ((e & f) ^ (~e & g)) + Constants[t] + w[t];
            var t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    private static delegate* unmanaged[Cdecl, SuppressGCTransition]<uint*, byte*, void> LoadNative()
    {
        if (!OperatingSystem.IsLinux() || !BitConverter.IsLittleEndian
            || !NativeLibrary.TryLoad("libcrypto.so.3", out var library)
            || !NativeLibrary.TryGetExport(library, "SHA256_Transform", out var export))
        {
            return null;
        }
        var native = (delegate* unmanaged[Cdecl, SuppressGCTransition]<uint*, byte*, void>)export;
        // Trust it only if it computes what the rounds above compute.
        Span<byte> block = stackalloc byte[64];
        for (var i = 0; i < block.Length; i++)
        {
            block[i] = (byte)((i * 37) + 11);
        }
        Span<uint> mine = stackalloc uint[StateWords];
        Span<uint> theirs = stackalloc uint[StateWords];
        InitialState.CopyTo(mine);
        InitialState.CopyTo(theirs);
        CompressManaged(mine, block);
        fixed (uint* s = theirs)
        fixed (byte* b = block)
        {
            native(s, b);
        }
        return mine[..8].SequenceEqual(theirs[..8]) ? native : null;
    }
}
