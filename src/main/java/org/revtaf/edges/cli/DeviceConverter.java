package org.revtaf.edges.cli;

import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine;

/**
 * Reads a {@code --device} value into a {@link Device} once, for every command (registered in
 * {@link Main#commandLine()}): an unknown name is a usage error (exit 2) that lists the choices.
 */
final class DeviceConverter implements CommandLine.ITypeConverter<Device> {
    @Override
    public Device convert(String value) {
        try {
            return Device.parse(value);
        } catch (RevtafException e) {
            throw new CommandLine.TypeConversionException(e.getMessage().replaceFirst("^--device: ", ""));
        }
    }
}
