# Sourced inside the tests' `dbus-run-session`: starts a Secret Service (gnome-keyring) on that
# bus, unlocked for the run, keeping its keyrings in a temporary folder instead of the home
# folder's. One bus for the whole run, so the keyring stays unlocked between tests.
#
# gnome-keyring 42 to 50 abort when a short-lived client disconnects in the middle of opening
# a session (upstream bug; the key fault tests start hundreds of `hearth` processes and cut some
# short), so the daemon is watched and started again, unlocked, on the same keyrings, for as
# long as the shell that sourced this file runs. A request that comes in the moment it is down
# may have the bus start one itself, which then finds the same (locked) keyrings and is
# replaced at once.
keyring_home="$(mktemp -d)"
export XDG_DATA_HOME="$keyring_home"
dbus-update-activation-environment XDG_DATA_HOME="$keyring_home"
keyring_owner=$$
(
    while kill -0 "$keyring_owner" 2>/dev/null; do
        printf '\n' | gnome-keyring-daemon --foreground --replace --unlock --components=secrets \
            >/dev/null 2>>"$keyring_home/daemon.log"
    done
) >/dev/null 2>&1 &

keyring_ready() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q 'boolean true'
}
for _ in $(seq 100); do
    keyring_ready && break
    sleep 0.1
done
keyring_ready || {
    echo "scripts/keyring.sh: gnome-keyring did not come onto the session bus within 10 s" \
        "(see $keyring_home/daemon.log)" >&2
    return 1
}
