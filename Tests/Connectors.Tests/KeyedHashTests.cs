using System.Security.Cryptography;
using Portal.Connectors.Anonymization.Transforms;

namespace Portal.Connectors.Tests;

/// <summary>The pseudonyms' HMAC computes the compression itself from precomputed pads: it must equal the platform's HMAC-SHA-256.</summary>
public sealed class KeyedHashTests
{
    [Fact]
    public void OpenSSLs_block_function_is_used_on_Linux_and_agrees_with_the_managed_rounds()
    {
        Assert.True(Sha256Compression.IsNative || !OperatingSystem.IsLinux(), "libcrypto.so.3's SHA256_Transform should be found on Linux");
        var random = new Random(3);
        var block = new byte[64];
        for (var i = 0; i < 200; i++)
        {
            random.NextBytes(block);
            var native = new uint[Sha256Compression.StateWords];
            var managed = new uint[Sha256Compression.StateWords];
            for (var w = 0; w < 8; w++)
            {
                native[w] = managed[w] = (uint)random.Next();
            }
            Sha256Compression.Compress(native, block);
            Sha256Compression.CompressManaged(managed, block);
            Assert.Equal(managed[..8], native[..8]);
        }
    }

    [Fact]
    public void Equals_the_platform_hmac_for_every_key_and_message_length_around_the_block_edges()
    {
        var random = new Random(7);
        var lengths = new[] { 0, 1, 31, 32, 54, 55, 56, 57, 63, 64, 65, 100, 119, 120, 128, 200, 1000 };
        var mac = new byte[32];
        foreach (var keyLength in new[] { 1, 16, 32, 63, 64, 65, 100, 200 })
        {
            var key = new byte[keyLength];
            random.NextBytes(key);
            var hmac = new HmacSha256(key);
            foreach (var length in lengths)
            {
                var message = new byte[length];
                random.NextBytes(message);
                hmac.Compute(message, mac);
                Assert.Equal(HMACSHA256.HashData(key, message), mac);
            }
        }
    }

    [Fact]
    public void The_same_instance_gives_the_same_answer_again_and_one_changed_bit_changes_it()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var hmac = new HmacSha256(key);
        var message = "pseudonym/patient\0123456"u8.ToArray();
        var first = new byte[32];
        var second = new byte[32];
        hmac.Compute(message, first);
        hmac.Compute("other"u8, second);
        hmac.Compute(message, second);
        Assert.Equal(first, second);
        message[^1] ^= 1;
        hmac.Compute(message, second);
        Assert.NotEqual(first, second);
        Assert.Equal(HMACSHA256.HashData(key, message), second);
    }
}
