using Microsoft.AspNetCore.Mvc;

namespace Portal.Hosting;

/// <summary>
/// A state change sent with the session cookie must come from the portal's own pages. SameSite=Lax alone lets any
/// same-site page (another port on the same host, a sibling subdomain) post a form with the cookie, so an unsafe
/// method authenticated by the cookie is refused (403 <c>request.cross_origin</c>) when the browser says it came
/// from elsewhere: Sec-Fetch-Site other than same-origin, or an Origin that is not this portal's. Bearer tokens
/// are not ambient credentials and are not checked; the SAML and OIDC protocol endpoints take cross-site posts
/// by design and check their own messages.
/// </summary>
internal static class CrossOriginRequests
{
    public const string Code = "request.cross_origin";

    public static IApplicationBuilder UseCrossOriginRefusal(this IApplicationBuilder app) =>
        app.Use(static async (http, next) =>
        {
            if (IsCookieStateChange(http) && !IsProtocolEndpoint(http.Request.Path) && IsCrossOrigin(http))
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status403Forbidden,
                        Title = "Not allowed.",
                        Detail = "This change was sent from another site's page; make it from the portal itself.",
                        Extensions = { ["code"] = Code },
                    },
                });
                return;
            }
            await next(http);
        });

    private static bool IsCookieStateChange(HttpContext http) =>
        !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method)
          || HttpMethods.IsTrace(http.Request.Method))
        && http.User.Identity?.IsAuthenticated == true
        && http.User.TokenId() is null;

    private static bool IsProtocolEndpoint(PathString path) =>
        path.StartsWithSegments("/saml", StringComparison.OrdinalIgnoreCase)
        || path.Value?.StartsWith("/signin-oidc-", StringComparison.OrdinalIgnoreCase) == true
        || path.Value?.StartsWith("/signout-callback-oidc-", StringComparison.OrdinalIgnoreCase) == true;

    private static bool IsCrossOrigin(HttpContext http)
    {
        var headers = http.Request.Headers;
        var site = headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return true;
        }
        var origin = headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }
        var own = $"{http.Request.Scheme}://{http.Request.Host}";
        var configured = http.RequestServices.GetRequiredService<PublicAddress>().Origin;
        return !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(origin, configured, StringComparison.OrdinalIgnoreCase);
    }
}
