using System.Net;
using System.Net.Sockets;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The portal served by real Kestrel on a loopback port, so site agents (real processes, or a test playing one) dial
/// it over a real HTTP/2 connection, and with an order-signing key from a file, as in a deployment.
/// </summary>
public class SitePortalFactory : PortalFactory
{
    private readonly string _keyFolder = Directory.CreateTempSubdirectory("portal-order-key-").FullName;

    public SitePortalFactory()
    {
        Port = FreePort();
        AgentPort = FreePort();
        UseKestrel();
        KestrelBaseUrl = new Uri($"http://127.0.0.1:{Port}");
        OrderKeyFile = Path.Combine(_keyFolder, "order-signing.pem");
        using var key = Connectors.Sites.SiteKeys.Create();
        Connectors.Sites.SiteKeys.WritePrivateKey(key, OrderKeyFile);
    }

    public int Port { get; }

    /// <summary>The agents' port: HTTP/2 only (Sites:AgentPort).</summary>
    public int AgentPort { get; }

    public Uri BaseUrl => KestrelBaseUrl!;

    public Uri AgentUrl => new($"http://127.0.0.1:{AgentPort}");

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("urls", $"http://127.0.0.1:{Port};http://127.0.0.1:{AgentPort}");
    }

    public string OrderKeyFile { get; }

    protected override IReadOnlyDictionary<string, string> Federation => TestFederation.DemoSettings($"http://127.0.0.1:{Port}");

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
        base.ExtraSettings.Append(new("Sites:OrderKeyFile", OrderKeyFile))
            .Append(new("Sites:AgentPort", AgentPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Starts the server (WebApplicationFactory starts it lazily).</summary>
    public void Start() => _ = Services;

    protected override Task DisposeExtrasAsync()
    {
        Directory.Delete(_keyFolder, recursive: true);
        return base.DisposeExtrasAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
