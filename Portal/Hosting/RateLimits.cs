using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Portal.Features.SignIn;
using Portal.Features.Tokens;

namespace Portal.Hosting;

/// <summary>
/// Per-token and per-user limits on the API (per address for anonymous callers), so one script cannot starve
/// everyone else. Over the limit: 429 with Retry-After and a problem saying when to come back.
/// </summary>
internal static class RateLimits
{
    public const string ApiPolicy = "api";

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var permits = configuration.GetValue("RateLimits:Api:PermitsPerMinute", 1200);
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(ApiPolicy, http => RateLimitPartition.GetFixedWindowLimiter(PartitionKey(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
            o.OnRejected = async (ctx, ct) =>
            {
                var retryAfter = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                ctx.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                ctx.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ctx.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = ctx.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Detail = $"At most {permits} API requests a minute per token or person. Try again in {seconds} s.",
                        Extensions = { ["retryAfterSeconds"] = seconds },
                    },
                });
            };
        });
        return services;
    }

    private static string PartitionKey(HttpContext http) =>
        BearerTokens.TokenIdOf(http.User) is { } token ? $"token:{token}"
        : http.User.UserId() is { } user ? $"user:{user}"
        : $"ip:{http.Connection.RemoteIpAddress}";
}
