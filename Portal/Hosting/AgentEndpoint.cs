using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Portal.Hosting;

/// <summary>
/// Site agents speak gRPC, which needs HTTP/2; without TLS Kestrel speaks HTTP/2 only on an endpoint that speaks
/// nothing else. So the agents get their own port (Sites:AgentPort, listed among the portal's URLs like any other):
/// HTTP/2 only, while the browsers' ports keep HTTP/1.1. With TLS in front (a proxy or Kestrel's own), one port can
/// serve both.
/// </summary>
public static class AgentEndpoint
{
    public const string PortKey = "Sites:AgentPort";

    public static void AddAgentEndpoint(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration[PortKey] is not { Length: > 0 } text)
        {
            return;
        }
        if (!int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new PortalConfigurationException($"{PortKey} must be a port number, not '{text}'.");
        }
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(o =>
        {
            if (o.IPEndPoint?.Port == port)
            {
                o.Protocols = HttpProtocols.Http2;
            }
        }));
    }
}
