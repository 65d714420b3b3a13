using Microsoft.AspNetCore.HostFiltering;

namespace Portal.Hosting;

/// <summary>
/// Outside Development the Host header must name this portal: AllowedHosts "*" (the default) becomes the public
/// URL's host plus the loopback names the container's own health check uses. An explicit AllowedHosts list is kept.
/// Nothing the portal builds reads the Host header (see <see cref="PublicAddress"/>); this refuses the rest early.
/// </summary>
internal static class HostFiltering
{
    private static readonly string[] Loopback = ["localhost", "127.0.0.1", "[::1]"];

    public static IServiceCollection AddPortalHostFiltering(this IServiceCollection services, IConfiguration configuration, IWebHostEnvironment environment)
    {
        var address = new PublicAddress(configuration);
        services.AddSingleton(address);
        if (!environment.IsDevelopment() && address.BaseUrl is { } publicUrl)
        {
            services.PostConfigure<HostFilteringOptions>(o =>
            {
                if (o.AllowedHosts.Count == 0 || o.AllowedHosts.Contains("*"))
                {
                    o.AllowedHosts = [publicUrl.Host, .. Loopback];
                }
            });
        }
        return services;
    }
}
