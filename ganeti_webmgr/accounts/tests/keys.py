"""Real public keys (made with ssh-keygen) and their `ssh-keygen -l` fingerprints."""

ED25519 = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC09Txoy/cSagfehd4bIUlsghhW94G4G5NIBPnYlyn1Y alice@laptop",
    "SHA256:HlLpuFBU11kLUkHNpAMK9GPzdZjR12naASayqHUYbUI",
)
RSA_2048 = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDHPY+Qr6DJsJ/NOe+v485LNcHk+iasdTMy4rSz1VKIL5ceh0tu"
    "xmLK7hlfhAgSApGu8RAWRV7LRaQLlEeSiaScbqMAlbwp857sFcSaqMv4hpW6wFSZ8uODKhXhSEVIHvx0uzYRBVF9"
    "Ca5a6OT6y4ePYS0ECILYdBOfW9DYyKwcXkzkirIpmgGBn2llfha1ZAkKNBTps9iiBotqVezDAB5C+F1QSDdeaW2q"
    "TfLAMOi+/nFFCGgFvE3yLrEtWPmrj4YMnfhfYC3HNWXnYHcf7gYjHQWbObR0Hmqa25C9UnpmWX0IxdbJzMv9rUlq"
    "vmY5QJmUv26KLRcC8avYV+NfGh9j rsa2048",
    "SHA256:NRsMHdy6aQahaPIkCnV2h6hde3yw8gWxVF7FrpzJ/AQ",
)
RSA_1024 = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDb1JZmQ4qXwnu77P5rHw+fEi1XwXFdK9wt9qWxJJCLbrtX0UnM"
    "o5tu1hKzQm4mJPKd4QvjR2Srnxaktb2QSmGC+uFwG79EyCcatZWQbsC1/ix4fFGWPfiMQrf9akk44s1fTg1HMwXA"
    "46fj9CIbiC2RIaW9ZGIN5oqGHYpA7tv/Jw== weak"
)
ECDSA_256 = (
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBIY/gTNh7DdpphV2"
    "+1jk+Y4M5g8tNhORlaQfim71EtaEg9l87vxgzduG9gfsFrkqg7FeODy49fJGS64pdiez0xM= ec256",
    "SHA256:e2MrtbSSrHasMPlXAMyqVrZEGh2d5j5++BAxPkDK1UI",
)
ECDSA_521 = (
    "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAA90cBQEejHxGxK"
    "IJ1oeJY25y5856Hl5MPCasngQ6cPUKwEuXnl2+tBM2feEZ15KLORL+jrsJyEPGJZbO6rcOgFmAGoB7UFsnhTyR/M"
    "A08f28hQ5vhvkjDcriiSO7PmCXbzos8sTkwE08qHJsUKWcYAzcjs8W8G4MY+fw6s/wauPb4pBQ== ec521",
    "SHA256:tsd+CfUM0P6jCbaWBxfc57EnAf77JvyxSyidrCN6Y5g",
)
SK_ED25519 = (
    "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAABAgMEBQYHCAkKCwwN"
    "Dg8QERITFBUWFxgZGhscHR4fAAAABHNzaDo= yubikey",
    "SHA256:/p0CbeE3dk2SyW1OXXsThGc12ezDVD8eGw2/vtztDfk",
)
SK_ECDSA = (
    "sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20AAAAI"
    "bmlzdHAyNTYAAABBBIY/gTNh7DdpphV2+1jk+Y4M5g8tNhORlaQfim71EtaEg9l87vxgzduG9gfsFrkqg7FeODy49f"
    "JGS64pdiez0xMAAAAEc3NoOg== token",
    "SHA256:mjomOP/AYN+8q4T8g5kxNdGjnKD5PCtbmwL51Xqeq0Y",
)
DSA = (
    "ssh-dss AAAAB3NzaC1kc3MAAACBANzEJgTdrpcGlD0IupdYxjGZrUyl5KJpF+BJraeojOIn1UnhN3dGXqaX3ZmX"
    "Rn1P60DqEFRX9xStSmAKw3U2ijifh6NtuzTtgVZR7HEPkZRKd8QgQbQXjm01R8jr8HtcK7k8e8wbYKSijTJuUTKo"
    "Y2prvXi9nLAg8CYpyUTN2UVtAAAAFQCCDgsLJnX94CKtj/N2xaOmtgzJeQ== root@vm"
)
