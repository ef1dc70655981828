# Sourced inside the tests' `dbus-run-session`: starts a Secret Service (gnome-keyring) on that
# bus, unlocked for the run, keeping its keyrings in a temporary folder instead of the home
# folder's. One bus for the whole run, so the keyring stays unlocked between tests.
keyring_home="$(mktemp -d)"
export XDG_DATA_HOME="$keyring_home"
printf '\n' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
