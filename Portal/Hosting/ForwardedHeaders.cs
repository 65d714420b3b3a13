using Microsoft.AspNetCore.HttpOverrides;

namespace Portal.Hosting;

/// <summary>
/// Behind a reverse proxy the portal must see the browser's scheme (https: secure cookies, SAML URLs) and address
/// (audit log). X-Forwarded-For/-Proto are honoured only from the proxies listed in Proxy:TrustedNetworks; the list
/// is empty by default, so a portal reached directly cannot be fooled by a client sending those headers itself.
/// </summary>
internal static class ForwardedHeaders
{
    public static IServiceCollection AddPortalForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var trusted = NetworkList.Read(configuration, "Proxy:TrustedNetworks");
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            // Only the configured proxies, not ASP.NET Core's default of loopback: a proxy on the same machine must be listed too.
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var network in trusted)
            {
                o.KnownIPNetworks.Add(network);
            }
            // One proxy in front: take the address it saw, ignore what the client claimed before it.
            o.ForwardLimit = 1;
        });
        return services;
    }

    public static IApplicationBuilder UsePortalForwardedHeaders(this WebApplication app) =>
        NetworkList.Read(app.Configuration, "Proxy:TrustedNetworks").Count == 0 ? app : app.UseForwardedHeaders();
}
