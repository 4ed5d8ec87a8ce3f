using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Takedown.Api.Integrations;
using Takedown.Domain.Operators;

namespace Takedown.Api.Operator;

/// <summary>An operator account, configured under <c>Operators:Accounts:{id}</c>.</summary>
public sealed class OperatorAccount
{
    /// <summary>ASP.NET Core Identity's PBKDF2 hash (see <c>hash-password</c>): configuration never holds a password.</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>operator or supervisor.</summary>
    public OperatorRole Role { get; set; } = OperatorRole.Operator;
}

/// <summary>Checks operator passwords against the configured hashes and builds the signed-in principal.</summary>
public sealed class OperatorAccounts(IOptionsMonitor<Dictionary<string, OperatorAccount>> accounts)
{
    public const string RoleClaim = "takedown:operator-role";

    private static readonly PasswordHasher<string> Hasher = new();

    // Verifying against a real hash when the account does not exist takes as long as a wrong password, so the
    // response time does not tell which operator ids exist.
    private static readonly string DummyHash = Hasher.HashPassword("", Guid.NewGuid().ToString());

    /// <summary>The principal for <paramref name="id"/> when the password matches, else null.</summary>
    public ClaimsPrincipal? SignIn(string id, string password, string scheme)
    {
        var found = accounts.CurrentValue.TryGetValue(id ?? "", out var account) && account.PasswordHash.Length > 0;
        var result = Hasher.VerifyHashedPassword("", found ? account!.PasswordHash : DummyHash, password ?? "");
        if (!found || result == PasswordVerificationResult.Failed)
        {
            return null;
        }
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, id!),
                new Claim(TakedownClaims.Actor, "operator:" + id),
                new Claim(RoleClaim, account!.Role.ToString()),
            ],
            scheme, ClaimTypes.Name, RoleClaim);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>A hash for configuration (PBKDF2 as ASP.NET Core Identity stores it: algorithm, iterations and salt included).</summary>
    public static string HashPassword(string password) => Hasher.HashPassword("", password);
}

/// <summary>The signed-in operator as the pages and actions see it.</summary>
public static class OperatorPrincipal
{
    public static string OperatorId(this ClaimsPrincipal user) =>
        user?.FindFirstValue(ClaimTypes.Name) ?? throw new InvalidOperationException("No operator signed in.");

    public static OperatorRole OperatorRole(this ClaimsPrincipal user) =>
        Enum.TryParse<OperatorRole>(user?.FindFirstValue(OperatorAccounts.RoleClaim), out var role) ? role : Domain.Operators.OperatorRole.Operator;

    public static bool IsSupervisor(this ClaimsPrincipal user) => user.OperatorRole() == Domain.Operators.OperatorRole.Supervisor;
}
