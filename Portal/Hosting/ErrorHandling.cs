using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Portal.Hosting;

/// <summary>
/// Errors become RFC 7807 problem details under /api and a readable page elsewhere; never a stack trace.
/// Pages are re-rendered for GET only: a failed form POST gets a short plain answer, since re-running a POST
/// through a page would trip the page's own antiforgery check. An unreachable database is a 503 with Retry-After
/// everywhere, pages included: re-rendering a page would need the database (and the sign-in) again.
/// </summary>
internal static class ErrorHandling
{
    public static IServiceCollection AddPortalProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
            // Every problem carries a stable code (docs/errors.md); those the portal did not write get one by status.
            var status = ctx.ProblemDetails.Status ?? ctx.HttpContext.Response.StatusCode;
            ctx.ProblemDetails.Extensions.TryAdd("code", ApiProblems.CodeForStatus(status));
            RefusalAuditing.Observe(ctx.HttpContext, status, ctx.ProblemDetails.Extensions["code"] as string ?? ApiProblems.CodeForStatus(status));
        });
        services.AddExceptionHandler<NonPageExceptionHandler>();
        return services;
    }

    public static IApplicationBuilder UsePortalErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
        // Inner handlers write first on the way out, so the re-executed page above only serves GETs of pages.
        app.UseWhen(c => IsApi(c.Request), b => b.UseStatusCodePages());
        app.UseWhen(c => !IsApi(c.Request) && !IsPageRead(c.Request), b => b.UseStatusCodePages(ctx =>
            WritePlainAsync(ctx.HttpContext, ctx.HttpContext.Response.StatusCode)));
        return app;
    }

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private static bool IsPageRead(HttpRequest request) => HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);

    private static Task WritePlainAsync(HttpContext http, int status)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        var message = status switch
        {
            400 => "The request was not valid, so nothing was changed. Go back, reload the page and try again.",
            403 => "Not allowed: your account may not do this.",
            404 => "Page not found.",
            503 => "The portal is briefly unavailable: its database cannot be reached. Nothing was changed; try again in a few seconds.",
            >= 500 => $"Something went wrong; nothing was changed. Reference: {http.TraceIdentifier}",
            _ => $"The portal could not complete this request (status {status}).",
        };
        return http.Response.WriteAsync(message);
    }

    private sealed class NonPageExceptionHandler(IProblemDetailsService problems, ILogger<NonPageExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            // The middleware has already rewritten the path to /error; the request's own path is in the feature.
            var api = httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path is { } original
                ? new PathString(original).StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                : IsApi(httpContext.Request);
            var databaseDown = DatabaseUnavailable.Is(exception);
            // Bad input (unreadable form, missing antiforgery token) is the client's error, not the portal's.
            var status = exception is BadHttpRequestException bad ? bad.StatusCode
                : databaseDown ? StatusCodes.Status503ServiceUnavailable
                : StatusCodes.Status500InternalServerError;
            if (!api && IsPageRead(httpContext.Request) && status >= 500 && !databaseDown)
            {
                return false;
            }
            if (databaseDown)
            {
                // Expected during a restart or failover, and it clears by itself: one line, no stack trace.
                logger.LogWarning("Database unavailable in {Method} {Path}: {Message}", httpContext.Request.Method, httpContext.Request.Path,
                    exception.GetBaseException().Message);
                httpContext.Response.Headers.RetryAfter = DatabaseUnavailable.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (status >= 500)
            {
                logger.LogError(exception, "Unhandled error in {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            }
            httpContext.Response.StatusCode = status;
            if (!api)
            {
                await WritePlainAsync(httpContext, status);
                return true;
            }
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = databaseDown
                    ? new ProblemDetails
                    {
                        Status = status,
                        Title = "The portal's database is unavailable.",
                        Detail = $"Nothing was changed. Try again in {DatabaseUnavailable.RetryAfterSeconds} seconds.",
                    }
                    : status >= 500
                    ? new ProblemDetails
                    {
                        Status = status,
                        Title = "The portal could not complete this request.",
                        Detail = "Nothing was changed. Quote the trace id when you report this.",
                    }
                    : new ProblemDetails { Status = status, Title = "The request was not valid.", Detail = exception.Message },
            });
        }
    }
}
