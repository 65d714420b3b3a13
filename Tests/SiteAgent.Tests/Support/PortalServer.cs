using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Connectors.SiteAgent.Tests.Support;

/// <summary>A real gRPC server (Kestrel, HTTP/2 without TLS) on a loopback port, serving <see cref="FakePortal"/>.</summary>
public sealed class PortalServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public FakePortal Portal { get; }

    public Uri Address { get; }

    private PortalServer(WebApplication app, FakePortal portal, Uri address)
    {
        _app = app;
        Portal = portal;
        Address = address;
    }

    public static async Task<PortalServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var portal = new FakePortal();
        builder.Services.AddSingleton(portal);
        var app = builder.Build();
        app.MapGrpcService<FakePortal>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PortalServer(app, portal, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Portal.Key.Dispose();
    }
}
