using Takedown.Api.Infrastructure;

namespace Takedown.Api.Cases;

public static class CasesEndpoints
{
    public static ApiGroups MapCases(this ApiGroups api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapOpenCase();
        api.MapGetCase();
        return api;
    }
}
