using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Operations;

/// <summary>
/// The in-memory portal, where a request may say which address it came from (header <see cref="Header"/>), as if it
/// had arrived over the network from there: the test server itself has no remote address.
/// </summary>
public abstract class RemoteAddressPortalFactory : PortalFactory
{
    public const string Header = "X-Test-Remote-Address";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>());
    }

    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Runs before the portal's own pipeline, so forwarded-header handling sees the "network" address.
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var value))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(value.ToString());
                    context.Request.Headers.Remove(Header);
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>Behind a proxy at 10.0.0.5; a scraper network 192.0.2.0/24.</summary>
public sealed class ProxiedPortalFactory : RemoteAddressPortalFactory
{
    public const string Proxy = "10.0.0.5";

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("Proxy:TrustedNetworks:0", Proxy),
        new("Metrics:AllowedNetworks:0", "192.0.2.0/24"),
    ];
}

/// <summary>Default settings: no proxy trusted, metrics for loopback only.</summary>
public sealed class DirectPortalFactory : RemoteAddressPortalFactory;
