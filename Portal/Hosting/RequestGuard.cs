using System.Buffers;

namespace Portal.Hosting;

/// <summary>
/// Input no endpoint can handle, refused once for all of them before anything reads it: a NUL (U+0000) in the path,
/// the query, a JSON string or a posted form (PostgreSQL cannot store NUL in text, so it used to surface as a 500
/// wherever it reached a query), and under /api a query parameter given twice (binding would join the values with
/// commas, so "purpose=DS:HIV&amp;purpose=GRU" became a list nobody asked for). A new endpoint inherits both.
/// </summary>
internal static class RequestGuard
{
    public const string NulCode = Kernel.Access.TextRules.NulCode;
    public const string RepeatedCode = "request.parameter_repeated";

    public static IApplicationBuilder UseRequestGuard(this IApplicationBuilder app) =>
        app.Use(static async (context, next) =>
        {
            if (await RefusalAsync(context.Request, context.RequestAborted) is { } refusal)
            {
                await RefuseAsync(context, refusal);
                return;
            }
            await next(context);
        });

    private static async Task<Failure?> RefusalAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.Path.Value?.Contains('\0', StringComparison.Ordinal) == true)
        {
            return Nul("path");
        }
        var api = ErrorHandling.IsApi(request);
        foreach (var (key, values) in request.Query)
        {
            if (key.Contains('\0', StringComparison.Ordinal) || values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
            {
                return Nul(key.Replace("\0", "", StringComparison.Ordinal));
            }
            if (api && values.Count > 1)
            {
                return Failure.Invalid(RepeatedCode, key, $"The query parameter '{key}' is given {values.Count} times; give it once.");
            }
        }
        var type = request.ContentType ?? "";
        var json = type.Contains("json", StringComparison.OrdinalIgnoreCase);
        var form = type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        if ((json || form) && request.ContentLength != 0 && await BodyHasNulAsync(request, form, ct))
        {
            return Nul("body");
        }
        return null;
    }

    private static Failure Nul(string field) =>
        Failure.Invalid(NulCode, field, $"The {field} contains a NUL character (U+0000), which no text in this portal may hold.");

    private static async Task RefuseAsync(HttpContext context, Failure refusal)
    {
        if (ErrorHandling.IsApi(context.Request))
        {
            await refusal.ToProblem().ExecuteAsync(context);
            return;
        }
        context.Response.StatusCode = (int)refusal.Kind;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"The request was not valid, so nothing was changed ({refusal.Code}).");
    }

    /// <summary>
    /// Reads the body once, buffered so the endpoint reads it again, looking for an escaped NUL: "\u0000" after an
    /// unescaped backslash in JSON, "%00" in a form (and a raw 0 byte in either). Streaming, so a large body costs no memory.
    /// </summary>
    private static async Task<bool> BodyHasNulAsync(HttpRequest request, bool form, CancellationToken ct)
    {
        request.EnableBuffering();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var pendingEscape = false;
            var zeros = -1; // JSON: hex digits "0" seen after "\u"; form: "0"s seen after "%"
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(0, buffer.Length), ct)) > 0)
            {
                foreach (var b in buffer.AsSpan(0, read))
                {
                    if (b == 0)
                    {
                        return true;
                    }
                    if (zeros >= 0)
                    {
                        if (b == '0')
                        {
                            if (++zeros == (form ? 2 : 4))
                            {
                                return true;
                            }
                            continue;
                        }
                        zeros = -1;
                    }
                    if (form)
                    {
                        zeros = b == '%' ? 0 : -1;
                        continue;
                    }
                    if (pendingEscape)
                    {
                        pendingEscape = false;
                        zeros = b == 'u' ? 0 : -1;
                        continue;
                    }
                    pendingEscape = b == '\\';
                }
            }
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            request.Body.Position = 0;
        }
    }
}
