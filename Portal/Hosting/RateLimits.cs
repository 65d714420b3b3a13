using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Portal.Features.SignIn;

namespace Portal.Hosting;

/// <summary>
/// Per-person limits on the API (per address for anonymous callers), so one script cannot starve
/// everyone else. Over the limit: 429 with Retry-After and a problem saying when to come back.
/// </summary>
internal static class RateLimits
{
    public const string ApiPolicy = "api";

    /// <summary>Anonymous sign-in starts (/saml/login, /oidc/login): each leaves state behind, so per address.</summary>
    public const string SignInStartPolicy = "signin-start";

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
            var signInPermits = configuration.GetValue("RateLimits:SignInStart:PermitsPerMinute", 120);
            o.AddPolicy(SignInStartPolicy, http => RateLimitPartition.GetFixedWindowLimiter($"ip:{http.Connection.RemoteIpAddress}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = signInPermits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
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
                        Detail = $"Too many requests a minute from this person or address. Try again in {seconds} s.",
                        Extensions = { ["retryAfterSeconds"] = seconds },
                    },
                });
            };
        });
        return services;
    }

    /// <summary>
    /// One budget per person, whether they come with the session or any number of tokens: minting tokens must not
    /// multiply the limit. Anonymous callers share one per address.
    /// </summary>
    internal static string PartitionKey(HttpContext http) =>
        http.User.UserId() is { } user ? $"user:{user}"
        : $"ip:{http.Connection.RemoteIpAddress}";
}
