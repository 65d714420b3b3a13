using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Features.SignIn.Saml;
using Portal.Hosting;

namespace Portal.Tests.SignIn.Federation;

/// <summary>Fetching from a file or over HTTP, the last good copy on disk, and start-up from that copy.</summary>
public sealed class FederationLoaderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly string _folder = TestAggregate.NewFolder();
    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    private FederationLoader Loader() =>
        new(_services.GetRequiredService<IHttpClientFactory>(), new FakeTimeProvider(Now), NullLogger<FederationLoader>.Instance);

    private FederationSource Source(string metadata) =>
        new("test", metadata, TestAggregate.FederationKey, Path.Combine(_folder, "state", "federation-test.xml"));

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_good_aggregate_is_kept_on_disk_as_the_last_good_copy()
    {
        var path = Path.Combine(_folder, "aggregate.xml");
        var bytes = TestAggregate.Generate(10, Now.AddDays(7)).SignedBytes();
        await File.WriteAllBytesAsync(path, bytes);
        var source = Source(path);
        var aggregate = await Loader().FetchAsync(source, CancellationToken.None);
        Assert.Equal(10, aggregate.Providers.Count);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(source.CachePath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(source.CachePath)!, "*.tmp"));
    }

    [Fact]
    public async Task At_start_a_failing_source_falls_back_to_the_last_good_copy()
    {
        var source = Source(Path.Combine(_folder, "missing.xml"));
        Directory.CreateDirectory(Path.GetDirectoryName(source.CachePath)!);
        await File.WriteAllBytesAsync(source.CachePath, TestAggregate.Generate(10, Now.AddDays(7)).SignedBytes());
        var aggregate = await Loader().LoadAtStartAsync(source, CancellationToken.None);
        Assert.Equal(10, aggregate.Providers.Count);
    }

    [Fact]
    public async Task A_tampered_last_good_copy_is_not_used()
    {
        var source = Source(Path.Combine(_folder, "missing.xml"));
        Directory.CreateDirectory(Path.GetDirectoryName(source.CachePath)!);
        var xml = TestAggregate.Generate(10, Now.AddDays(7)).SignedXml().Replace("inst0004", "inst0005", StringComparison.Ordinal);
        await File.WriteAllTextAsync(source.CachePath, xml);
        var e = await Assert.ThrowsAsync<PortalConfigurationException>(() => Loader().LoadAtStartAsync(source, CancellationToken.None));
        Assert.Contains(FederationReasons.SourceUnreadable, e.Message, StringComparison.Ordinal);
        Assert.Contains("federation.signature.invalid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_last_good_copy_is_not_used()
    {
        var source = Source(Path.Combine(_folder, "missing.xml"));
        Directory.CreateDirectory(Path.GetDirectoryName(source.CachePath)!);
        await File.WriteAllBytesAsync(source.CachePath, TestAggregate.Generate(10, Now.AddMinutes(-1)).SignedBytes());
        var e = await Assert.ThrowsAsync<PortalConfigurationException>(() => Loader().LoadAtStartAsync(source, CancellationToken.None));
        Assert.Contains(FederationReasons.Expired, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_http_a_failing_server_leaves_the_last_good_copy_to_start_from()
    {
        var port = FreePort();
        using var server = new HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var serve = TestAggregate.Generate(12, Now.AddDays(7)).SignedBytes();
        var status = 200;
        var serving = Task.Run(async () =>
        {
            while (server.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await server.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                context.Response.StatusCode = status;
                if (status == 200)
                {
                    await context.Response.OutputStream.WriteAsync(serve);
                }
                context.Response.Close();
            }
        });
        var source = Source($"http://127.0.0.1:{port}/federation.xml");

        Assert.Equal(12, (await Loader().FetchAsync(source, CancellationToken.None)).Providers.Count);
        Assert.Equal(serve, await File.ReadAllBytesAsync(source.CachePath));

        status = 503;
        var refused = await Assert.ThrowsAsync<FederationMetadataException>(() => Loader().FetchAsync(source, CancellationToken.None));
        Assert.Equal(FederationReasons.SourceUnreadable, refused.Code);
        Assert.Equal(serve, await File.ReadAllBytesAsync(source.CachePath));
        Assert.Equal(12, (await Loader().LoadAtStartAsync(source, CancellationToken.None)).Providers.Count);

        server.Stop();
        await serving;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
