using Microsoft.AspNetCore.Hosting;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Notifications;

/// <summary>The demo portal with SMTP pointed at a sink on loopback, polling the outbox quickly. The sink lives as long as the test run.</summary>
public sealed class SmtpPortalFactory : PortalFactory
{
    public const string PublicBaseUrl = "https://portal.test";

    public SmtpSink Sink { get; } = new();

    protected override bool SeedDemo => true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Smtp:Host", "127.0.0.1");
        builder.UseSetting("Smtp:Port", Sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Smtp:UseStartTls", "false");
        builder.UseSetting("Smtp:From", "VO Data Portal <portal@portal.test>");
        builder.UseSetting("Smtp:PublicBaseUrl", PublicBaseUrl);
        builder.UseSetting("Smtp:PollInterval", "00:00:00.200");
    }
}

/// <summary>The demo portal with SMTP pointed at a port where nothing listens (yet).</summary>
public sealed class DeadSmtpPortalFactory : PortalFactory
{
    public int Port { get; } = FreePort();

    protected override bool SeedDemo => true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Smtp:Host", "127.0.0.1");
        builder.UseSetting("Smtp:Port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Smtp:UseStartTls", "false");
        builder.UseSetting("Smtp:PollInterval", "00:00:00.200");
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
