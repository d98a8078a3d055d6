public enum BackpropIOPlaceholder {}
