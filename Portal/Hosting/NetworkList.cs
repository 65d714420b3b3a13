using System.Net;

namespace Portal.Hosting;

/// <summary>A configured list of addresses and CIDR networks ("10.0.0.0/8", "192.0.2.7"), read once at start.</summary>
internal static class NetworkList
{
    /// <summary>The networks under <paramref name="section"/> (an array); a malformed entry stops the portal with one clear line.</summary>
    public static IReadOnlyList<IPNetwork> Read(IConfiguration configuration, string section)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in configuration.GetSection(section).GetChildren())
        {
            var text = entry.Value?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }
            if (IPNetwork.TryParse(text, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(text, out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                throw new PortalConfigurationException($"{entry.Path} = '{text}' is neither an IP address nor a CIDR network (e.g. 10.0.0.0/8).");
            }
        }
        return networks;
    }

    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        // IPv4 callers on a dual-stack socket arrive as ::ffff:a.b.c.d; compare them as IPv4.
        var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return networks.Any(n => n.Contains(normalized));
    }
}
