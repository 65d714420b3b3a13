using System.Net;
using System.Text;
using Portal.Features.Demo;
using Portal.Tests.Datasets;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>Alone: the memory of the whole test process is what these tests measure.</summary>
[CollectionDefinition(nameof(MeasuredAlone), DisableParallelization = true)]
public sealed class MeasuredAlone;

/// <summary>
/// Issue #18, M2: 8,192 form fields of 16 KiB grew the portal by 185 MB, even where uploads were off, because the body
/// limit was raised and every field kept before anything was checked. Now the caller and the setting are checked
/// first, only the four known fields are read, and a 128 MB body costs the process less than 20 MB.
/// </summary>
[Collection(nameof(MeasuredAlone))]
public sealed class UploadMemoryTests(DatasetsPortalFactory portal) : IClassFixture<DatasetsPortalFactory>
{
    private const long Budget = 20L << 20;

    [Fact]
    public async Task Eight_thousand_fields_of_16_KiB_are_refused_without_holding_them()
    {
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        var field = new string('x', 16 * 1024);
        var (response, growth) = await MeasureAsync(() => bob.PostAsync(new Uri("/api/datasets/upload", UriKind.Relative),
            new GeneratedMultipart(Enumerable.Range(0, 8192).Select(i => ($"f{i}", field)), fileBytes: 0)));
        using (response)
        {
            await DatasetProblem.AssertAsync(response, HttpStatusCode.BadRequest, "dataset.upload.field_unknown");
        }
        Assert.True(growth < Budget, $"the process grew by {growth >> 20} MB");
    }

    [Fact]
    public async Task A_128_MB_body_is_refused_as_too_large_without_holding_it()
    {
        using var bob = await portal.SignedInAsync(DemoSeed.Bob);
        var (response, growth) = await MeasureAsync(() => bob.PostAsync(new Uri("/api/datasets/upload", UriKind.Relative),
            new GeneratedMultipart([("name", "big"), ("format", "csv")], fileBytes: 128L << 20)));
        using (response)
        {
            await DatasetProblem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "dataset.upload.too_large");
        }
        Assert.True(growth < Budget, $"the process grew by {growth >> 20} MB");
    }

    /// <summary>The highest managed heap seen while the request ran, above the heap after a full collection before it.</summary>
    private static async Task<(HttpResponseMessage Response, long Growth)> MeasureAsync(Func<Task<HttpResponseMessage>> send)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(5);
            }
        });
        var response = await send();
        // What the request kept alive is still reachable until the server lets go of it.
        peak = Math.Max(peak, GC.GetTotalMemory(false));
        await done.CancelAsync();
        await sampler;
        peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
        return (response, peak - baseline);
    }

    /// <summary>multipart/form-data written as it is sent (chunked, no length), so the test holds none of it either.</summary>
    private sealed class GeneratedMultipart : HttpContent
    {
        private const string Boundary = "----portal-fuzz-boundary";
        private readonly IEnumerable<(string Name, string Value)> _fields;
        private readonly long _fileBytes;

        public GeneratedMultipart(IEnumerable<(string Name, string Value)> fields, long fileBytes)
        {
            _fields = fields;
            _fileBytes = fileBytes;
            Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={Boundary}");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            try
            {
                foreach (var (name, value) in _fields)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
                }
                if (_fileBytes > 0)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n"));
                    var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("1,2,3,4,5,6,7\n", 4681)));
                    for (long sent = 0; sent < _fileBytes; sent += chunk.Length)
                    {
                        await stream.WriteAsync(chunk);
                    }
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }
                await stream.WriteAsync(Encoding.UTF8.GetBytes($"--{Boundary}--\r\n"));
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The portal refused and stopped reading: the rest of the body is not wanted.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
