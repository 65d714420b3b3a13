namespace Portal.Hosting;

internal static class SecurityHeaders
{
    /// <summary>Headers every response carries: no sniffing, no framing (clickjacking), no referrer leaks of ids in URLs.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = "frame-ancestors 'none'; base-uri 'self'; form-action 'self' http: https:";
            return next(context);
        });
}
