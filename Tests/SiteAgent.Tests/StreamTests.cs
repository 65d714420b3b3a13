using System.Security.Cryptography;
using System.Text;
using Portal.Connectors.SiteAgent.Orders;
using Portal.Connectors.Sites;

namespace Portal.Connectors.SiteAgent.Tests;

/// <summary>The streams between the export pipeline and the Deliver call: chunking, the preview's cut and the daily row cap.</summary>
public sealed class StreamTests
{
    [Fact]
    public async Task Chunks_are_full_except_the_last_and_carry_every_byte_in_order()
    {
        var sent = new List<byte[]>();
        using var stream = new ChunkStream((chunk, _) =>
        {
            sent.Add(chunk.ToArray());
            return Task.CompletedTask;
        });
        var data = RandomNumberGenerator.GetBytes(OrderLimits.ChunkBytes * 2 + 1000);
        // Writes of odd sizes, as a writer makes them.
        for (var at = 0; at < data.Length; at += 7777)
        {
            await stream.WriteAsync(data.AsMemory(at, Math.Min(7777, data.Length - at)));
        }
        await stream.FlushAsync();
        Assert.Equal([OrderLimits.ChunkBytes, OrderLimits.ChunkBytes, 1000], sent.Select(c => c.Length));
        Assert.Equal(data, sent.SelectMany(c => c).ToArray());
        Assert.Equal(data.Length, stream.BytesSent);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), stream.Sha256Hex());
    }

    [Fact]
    public async Task A_write_waits_for_the_chunk_before_it_to_be_sent()
    {
        var gate = new TaskCompletionSource();
        var sending = 0;
        using var stream = new ChunkStream(async (_, _) =>
        {
            Interlocked.Increment(ref sending);
            await gate.Task;
        }, chunkBytes: 4);
        var write = stream.WriteAsync(new byte[10]).AsTask();
        await Task.Delay(100);
        // One chunk is out and unanswered: the writer is held there, not buffering the rest.
        Assert.False(write.IsCompleted);
        Assert.Equal(1, Volatile.Read(ref sending));
        gate.SetResult();
        await write;
        Assert.Equal(2, Volatile.Read(ref sending));
        Assert.Equal(8, stream.BytesSent);
    }

    [Fact]
    public async Task A_preview_lets_the_first_lines_through_and_reads_the_rest_into_nothing()
    {
        var inner = new MemoryStream();
        var preview = new PreviewLimitStream(inner, 2);
        await preview.WriteAsync(Encoding.UTF8.GetBytes("{\"a\":1}\n{\"a\":"));
        await preview.WriteAsync(Encoding.UTF8.GetBytes("2}\n{\"a\":3}\n"));
        await preview.WriteAsync(Encoding.UTF8.GetBytes("{\"a\":4}\n"));
        Assert.Equal("{\"a\":1}\n{\"a\":2}\n", Encoding.UTF8.GetString(inner.ToArray()));
        Assert.Equal(2, preview.Lines);
    }

    [Fact]
    public async Task Csv_rows_are_counted_without_the_header_and_with_line_breaks_inside_quotes()
    {
        var inner = new MemoryStream();
        var taken = new List<long>();
        var rows = new RowCapStream(inner, csv: true, n =>
        {
            taken.Add(n);
            return true;
        });
        await rows.WriteAsync(Encoding.UTF8.GetBytes("id,note\r\n1,\"a\r\nb\"\r\n2,\"say \"\"hi\"\"\"\r\n3,"));
        await rows.WriteAsync(Encoding.UTF8.GetBytes("x\r\n"));
        Assert.Equal(3, rows.Rows);
        Assert.Equal([2L, 1L], taken);
    }

    [Fact]
    public async Task The_buffer_that_would_pass_the_cap_is_held_back()
    {
        var inner = new MemoryStream();
        var allowance = 2L;
        var rows = new RowCapStream(inner, csv: false, n =>
        {
            if (n > allowance)
            {
                return false;
            }
            allowance -= n;
            return true;
        });
        await rows.WriteAsync(Encoding.UTF8.GetBytes("{}\n{}\n"));
        await Assert.ThrowsAsync<DailyCapReachedException>(async () => await rows.WriteAsync(Encoding.UTF8.GetBytes("{}\n")));
        Assert.Equal("{}\n{}\n", Encoding.UTF8.GetString(inner.ToArray()));
    }
}
